import { readJson, restRoute } from "@/server/api/rest/handler";
import { refuseRunToken, requirePermission } from "@/server/api/rest/principal";
import { getDataset, setRules } from "@/server/datasets/datasets";
import { rulesSchema } from "@/server/datasets/validation";
import { NotFoundError } from "@/server/errors";
import { getObjectStore } from "@/server/storage";
import { idSchema } from "@/server/tenancy/validation";
import { z } from "zod";

/** Replaces the dataset's rules (`{"rules": [...]}`) and checks them on its latest version: the report. */
export const PUT = restRoute<{ id: string }>(async ({ req, db, principal, params }) => {
  refuseRunToken(principal);
  requirePermission(principal, "dataset:update");
  if (!idSchema.safeParse(params.id).success) throw new NotFoundError("Dataset");
  await getDataset(db, principal.org.id, params.id); // another organization's dataset is not found, whatever the body says
  const { rules } = z.object({ rules: rulesSchema }).parse(await readJson(req));
  return Response.json({ rules, report: await setRules(db, getObjectStore(), principal.org.id, principal.actor, params.id, rules) });
});
