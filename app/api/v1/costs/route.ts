import { restRoute } from "@/server/api/rest/handler";
import { refuseRunToken, requirePermission } from "@/server/api/rest/principal";
import { ValidationError } from "@/server/errors";
import { budgetOf, costReport } from "@/server/scheduling/costs";

/** GPU-hours and cost per day, project and run over the last `days` (default 30), and the budget. */
export const GET = restRoute(async ({ req, db, principal }) => {
  refuseRunToken(principal);
  requirePermission(principal, "quota:read");
  const days = Number(new URL(req.url).searchParams.get("days") ?? 30);
  if (!Number.isInteger(days) || days < 1 || days > 366) throw new ValidationError("days is a whole number from 1 to 366");
  return Response.json({ ...(await costReport(db, principal.org.id, days)), budget: await budgetOf(db, principal.org.id) });
});
