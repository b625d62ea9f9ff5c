import { readJson, restRoute } from "@/server/api/rest/handler";
import { refuseRunToken, requirePermission } from "@/server/api/rest/principal";
import { budgetOf } from "@/server/scheduling/costs";
import { setBudget } from "@/server/scheduling/pools";
import { budgetInputSchema } from "@/server/scheduling/scheduling-input";

/** This month's spend against the organization's monthly budget (null: no budget). */
export const GET = restRoute(async ({ db, principal }) => {
  refuseRunToken(principal);
  requirePermission(principal, "quota:read");
  return Response.json({ budget: await budgetOf(db, principal.org.id) });
});

/** `{"monthlyLimit": 500}` in dollars per calendar month (UTC); `null` removes the budget. */
export const PUT = restRoute(async ({ req, db, principal }) => {
  refuseRunToken(principal);
  requirePermission(principal, "quota:update");
  const input = budgetInputSchema.parse(await readJson(req));
  await setBudget(db, principal.org.id, principal.actor, input.monthlyLimit);
  return Response.json({ budget: await budgetOf(db, principal.org.id) });
});
