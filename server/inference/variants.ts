import { randomBytes } from "node:crypto";
import { and, eq, inArray, notInArray, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { inferenceServices, serviceReplicas, serviceRollouts, serviceVariants } from "@/server/db/schema";
import { seal } from "@/server/auth/secret-box";
import { ConflictError, NotFoundError, ValidationError } from "@/server/errors";
import { getModelRow, versionRow } from "@/server/registry/models";
import { wakeRunner } from "@/server/runner/wake";
import type { Actor } from "@/server/tenancy/actor";
import { recordAudit } from "@/server/tenancy/audit";
import { getObjectStore } from "@/server/storage";
import { forgetService } from "./gateway-state";
import { servableFormat, stopProcessReplicas } from "./process-replicas";
import { checkVariant, DEFAULT_VLLM_IMAGE, updateServiceSchema, updateVariantSchema, variantSchema, type VariantInput } from "./service-input";
import { getServiceRow, variantsOf, type Service, type Variant } from "./service-rows";

/**
 * A service's variants: each one model with its share of the traffic and its own replicas.
 * Adding, changing and removing them; the split as a whole (`weights`) in one write, so the
 * gateway never sees a half-applied split.
 */


/** The row values of a variant: its model version resolved, its key sealed, a process variant's protocol found. */
export async function variantValues(db: DbOrTx, orgId: string, service: { name: string; backend: Service["backend"] }, v: VariantInput) {
  const modelVersionId = v.model ? (await versionRow(db, await getModelRow(db, orgId, v.model.name), v.model.version)).id : null;
  const protocol = service.backend === "process" ? (await servableFormat(db, getObjectStore(), orgId, modelVersionId!)).protocol : null;
  return {
    protocol,
    values: {
      orgId, name: v.name, weight: v.weight, shadowPercent: v.shadowPercent, modelVersionId, replicas: service.backend === "vllm" ? v.endpoints.length : v.replicas,
      servedModel: v.servedModel ?? service.name,
      // Anvil's own replicas take a key of their own, which only the gateway and the health checks send.
      upstreamKey: service.backend !== "vllm" ? seal(randomBytes(24).toString("base64url")) : v.upstreamKey ? seal(v.upstreamKey) : null,
      spec: service.backend === "kubernetes" ? { image: v.image ?? DEFAULT_VLLM_IMAGE, model: v.source!, gpus: v.gpus, args: v.args } : null,
    },
  };
}

export async function liveService(tx: DbOrTx, orgId: string, idOrName: string): Promise<Service> {
  const s = await getServiceRow(tx, orgId, idOrName);
  if (s.status === "STOPPED") throw new ConflictError("The service was deleted");
  // Held until the change commits: variant writes of one service happen one at a time.
  await tx.select({ id: inferenceServices.id }).from(inferenceServices).where(eq(inferenceServices.id, s.id)).for("update");
  return s;
}

async function variantRow(tx: DbOrTx, service: Service, name: string): Promise<Variant> {
  const [row] = await tx.select().from(serviceVariants).where(and(eq(serviceVariants.serviceId, service.id), eq(serviceVariants.name, name)));
  if (!row) throw new NotFoundError("Variant");
  return row;
}

/** While a rollout moves the traffic, the split is its own: changed by hand, the next step would undo it. */
export async function assertNoRollout(tx: DbOrTx, serviceId: string) {
  const [active] = await tx.select({ id: serviceRollouts.id }).from(serviceRollouts).where(and(eq(serviceRollouts.serviceId, serviceId), inArray(serviceRollouts.status, ["PROGRESSING", "PAUSED"])));
  if (active) throw new ConflictError("A rollout is moving this service's traffic: pause, promote or roll it back first");
}

/** Health is checked at once and the gateway reads the change at its next request. */
export async function changed(tx: DbOrTx, service: Service) {
  await tx.update(inferenceServices).set({ updatedAt: sql`now()`, nextCheckAt: sql`now()` }).where(eq(inferenceServices.id, service.id));
}

export async function addVariant(db: Db, orgId: string, actor: Actor, idOrName: string, raw: unknown): Promise<Variant> {
  variantSchema.parse(raw); // bad input is refused before anything is locked
  const created = await db.transaction(async (tx) => {
    const s = await liveService(tx, orgId, idOrName);
    const row = await insertVariant(tx, s, raw);
    await changed(tx, s);
    await recordAudit(tx, { orgId, actor, action: "inference_service.variant.add", targetType: "inference_service", targetId: s.id, details: { variant: row.name, weight: row.weight } });
    return row;
  });
  forgetService(created.serviceId);
  wakeRunner();
  return created;
}

/** A new variant of a locked, live service, checked against its backend (a rollout's candidate comes this way too). */
export async function insertVariant(tx: DbOrTx, s: Service, raw: unknown): Promise<Variant> {
  const v = variantSchema.superRefine((x, ctx) => checkVariant(s.backend, x, ctx, [])).parse(raw);
  if ((await variantsOf(tx, s.id)).some((x) => x.name === v.name)) throw new ConflictError(`The service has a variant named "${v.name}"`);
  const { protocol, values } = await variantValues(tx, s.orgId, s, v);
  if (protocol && protocol !== s.protocol) throw new ValidationError(`This version's server speaks ${protocol === "oip" ? "the Open Inference Protocol" : "the OpenAI API"}, the service the other`);
  const [row] = await tx.insert(serviceVariants).values({ ...values, serviceId: s.id }).returning();
  if (s.backend === "vllm") await tx.insert(serviceReplicas).values(v.endpoints.map((url) => ({ orgId: s.orgId, serviceId: s.id, variantId: row.id, url })));
  return row;
}

/** Weight, replicas, endpoints or the upstream key of one variant. */
export async function updateVariant(db: Db, orgId: string, actor: Actor, idOrName: string, name: string, raw: unknown) {
  const input = updateVariantSchema.parse(raw);
  const serviceId = await db.transaction(async (tx) => {
    const s = await liveService(tx, orgId, idOrName);
    const v = await variantRow(tx, s, name);
    if (input.weight !== undefined || input.shadowPercent !== undefined) await assertNoRollout(tx, s.id);
    await applyVariantChange(tx, s, v, input);
    if (input.weight !== undefined) await assertSomeTraffic(tx, s);
    await changed(tx, s);
    await recordAudit(tx, { orgId, actor, action: "inference_service.variant.update", targetType: "inference_service", targetId: s.id, details: { variant: name, weight: input.weight, replicas: input.replicas, endpoints: input.endpoints?.length, upstreamKey: input.upstreamKey === undefined ? undefined : Boolean(input.upstreamKey) } });
    return s.id;
  });
  forgetService(serviceId);
  wakeRunner();
}

async function applyVariantChange(tx: DbOrTx, s: Service, v: Variant, input: { weight?: number; shadowPercent?: number; replicas?: number; endpoints?: string[]; upstreamKey?: string | null }) {
  if ((input.shadowPercent ?? v.shadowPercent) > 0 && (input.weight ?? v.weight) > 0) throw new ValidationError("A shadow takes no live traffic: give it weight 0, or set shadowPercent to 0 first");
  if (input.replicas !== undefined && s.backend === "vllm") throw new ConflictError("The replicas of a vLLM variant are its endpoints: change those");
  if (input.endpoints && s.backend !== "vllm") throw new ConflictError("Anvil runs this variant's replicas: change their number, not endpoints");
  const set: Partial<Variant> = {};
  if (input.weight !== undefined) set.weight = input.weight;
  if (input.shadowPercent !== undefined) set.shadowPercent = input.shadowPercent;
  if (input.replicas !== undefined) set.replicas = input.replicas;
  if (input.endpoints) {
    await tx.delete(serviceReplicas).where(and(eq(serviceReplicas.variantId, v.id), notInArray(serviceReplicas.url, input.endpoints)));
    await tx.insert(serviceReplicas).values(input.endpoints.map((url) => ({ orgId: s.orgId, serviceId: s.id, variantId: v.id, url }))).onConflictDoNothing();
    set.replicas = input.endpoints.length;
  }
  // New endpoints do not inherit the key: it would be sent to hosts it was not given for.
  if (input.upstreamKey !== undefined || input.endpoints) set.upstreamKey = input.upstreamKey ? seal(input.upstreamKey) : null;
  if (Object.keys(set).length > 0) await tx.update(serviceVariants).set(set).where(eq(serviceVariants.id, v.id));
}

async function assertSomeTraffic(tx: DbOrTx, s: Service) {
  const all = await variantsOf(tx, s.id);
  if (all.every((x) => x.weight === 0)) throw new ValidationError("At least one variant needs a weight above 0");
}

/**
 * The service's own PATCH: `weights` sets the split in one write; the variant fields apply to
 * the only variant (with several, the variant is named in the path).
 */
export async function updateService(db: Db, orgId: string, actor: Actor, idOrName: string, raw: unknown) {
  const { weights, slo, sticky, autoscaling, alertWebhook, driftReference, ...fields } = updateServiceSchema.parse(raw);
  const settings = Object.fromEntries(Object.entries({ slo, sticky, autoscaling, alertWebhook, driftReference }).filter(([, x]) => x !== undefined));
  const serviceId = await db.transaction(async (tx) => {
    const s = await liveService(tx, orgId, idOrName);
    const all = await variantsOf(tx, s.id);
    if (weights) {
      await assertNoRollout(tx, s.id);
      const unknown = Object.keys(weights).filter((n) => !all.some((v) => v.name === n));
      if (unknown.length) throw new ValidationError(`No variant named ${unknown.map((n) => `"${n}"`).join(", ")}`);
      for (const v of all) if (weights[v.name] !== undefined) await tx.update(serviceVariants).set({ weight: weights[v.name] }).where(eq(serviceVariants.id, v.id));
      await assertSomeTraffic(tx, s);
    }
    if (settings.autoscaling && s.backend === "vllm") throw new ValidationError("Anvil cannot scale endpoints it does not run: autoscaling is for the process and kubernetes backends");
    if (Object.keys(settings).length > 0) await tx.update(inferenceServices).set(settings).where(eq(inferenceServices.id, s.id));
    if (Object.values(fields).some((x) => x !== undefined)) {
      if (all.length !== 1) throw new ConflictError(`The service has ${all.length} variants: change one at /variants/{name}`);
      await applyVariantChange(tx, s, all[0], fields);
    }
    await changed(tx, s);
    await recordAudit(tx, { orgId, actor, action: "inference_service.update", targetType: "inference_service", targetId: s.id, details: { weights, settings: Object.keys(settings), replicas: fields.replicas, endpoints: fields.endpoints?.length, upstreamKey: fields.upstreamKey === undefined ? undefined : Boolean(fields.upstreamKey) } });
    return s.id;
  });
  forgetService(serviceId);
  wakeRunner();
}

/**
 * Removing a variant: its process replicas' runs are stopped with it; a kubernetes variant's
 * Deployment is deleted by the controller, which removes what no variant owns. Its stats stay, by name.
 */
export async function removeVariant(db: Db, orgId: string, actor: Actor, idOrName: string, name: string) {
  const serviceId = await db.transaction(async (tx) => {
    const s = await liveService(tx, orgId, idOrName);
    const v = await variantRow(tx, s, name);
    const others = (await variantsOf(tx, s.id)).filter((x) => x.id !== v.id);
    if (others.length === 0) throw new ConflictError("A service keeps at least one variant: delete the service instead");
    if (others.every((x) => x.weight === 0)) throw new ConflictError("The other variants have no traffic: give one a weight first");
    await dropVariant(tx, s, v);
    await changed(tx, s);
    await recordAudit(tx, { orgId, actor, action: "inference_service.variant.remove", targetType: "inference_service", targetId: s.id, details: { variant: name } });
    return s.id;
  });
  forgetService(serviceId);
  wakeRunner();
}

/** Removes a variant of a locked service: its process replicas' runs stop with it. */
export async function dropVariant(tx: DbOrTx, s: Service, v: Variant) {
  if (s.backend === "process") await stopProcessReplicas(tx, s, v.id);
  await tx.delete(serviceVariants).where(eq(serviceVariants.id, v.id));
}
