import { Readable } from "node:stream";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as artifactsRoute from "@/app/api/v1/runs/[runId]/artifacts/[...path]/route";
import * as metricsRoute from "@/app/api/v1/runs/[runId]/metrics/route";
import * as paramsRoute from "@/app/api/v1/runs/[runId]/params/route";
import * as tagsRoute from "@/app/api/v1/runs/[runId]/tags/route";
import { authenticate } from "@/server/api/rest/principal";
import { getDb } from "@/server/db/client";
import { uploadDataset } from "@/server/datasets/datasets";
import { getObjectStore } from "@/server/storage";
import { systemActor } from "@/server/tenancy/actor";
import { appendRunLog } from "@/server/tracking/logs";
import { issueRunToken } from "@/server/tracking/run-tokens";
import { addUser, apiKeyFor, callerFor, createOrgWithAdmin, type TestOrg } from "../helpers/fixtures";
import { findRoutes, invoke, listProcedures, NOT_TENANT_SCOPED, procedureInput, routeHandlers, takesOrg } from "../helpers/procedures";
import { call, type RouteHandler } from "../helpers/rest";

/**
 * Tenant isolation, by enumeration: every tRPC procedure and every REST route is called by
 * another organization with every kind of credential, aiming at the victim's ids in paths,
 * bodies and query strings. Every answer is compared with everything the victim stores, and
 * afterwards the victim's rows must be exactly as they were. New procedures and routes are
 * covered without touching this file; one with an id field it cannot fill fails it.
 */

async function victimOrg() {
  const b = await createOrgWithAdmin("Victim Labs");
  const caller = await callerFor(b.adminId);
  const run = await caller.training.submit({ org: b.slug, job: { name: "victim-secret-run", command: "echo classified", hyperparameters: { victim_lr: 0.0421 } } as never });
  const token = await issueRunToken(b.db, { id: run.id, orgId: b.orgId, attempt: 1 });
  const rest = (handler: unknown, method: string, body: unknown, path?: string[]) =>
    call(handler as RouteHandler, { method, token, ...(typeof body === "string" ? { rawBody: body, contentType: "text/plain" } : { body }), params: { runId: run.id, ...(path ? { path } : {}) } });
  await rest(metricsRoute.POST, "POST", { metrics: [{ key: "victim_loss", value: 0.123456789, step: 7 }] });
  await rest(paramsRoute.POST, "POST", { params: { victim_param: "victim-param-value" } });
  await rest(tagsRoute.POST, "POST", { tags: { victim_tag: "victim-tag-value" } });
  await rest(artifactsRoute.PUT, "PUT", "victim-artifact-bytes", ["victim", "model.json"]);
  await appendRunLog(b.db, { id: run.id, orgId: b.orgId, attempt: 1 }, "victim-log-line\n");
  const key = await caller.apiKeys.create({ org: b.slug, name: "victim-key", role: "viewer" });
  const revoked = await caller.apiKeys.create({ org: b.slug, name: "victim-revoked", role: "admin" });
  await caller.apiKeys.revoke({ org: b.slug, keyId: revoked.id });
  const invited = await caller.members.add({ org: b.slug, email: "pending-victim@example.com", role: "user" });
  const member = await addUser(b.db, b.orgId, "user");
  const { invitations } = await caller.members.list({ org: b.slug });
  const project = (await caller.training.projects({ org: b.slug }))[0];
  // Nothing listens there: the probe fails fast, and the cluster's name and address are secrets too.
  const cluster = await caller.clusters.register({ org: b.slug, cluster: { kind: "ray", name: "victim-ray-cluster", address: "http://127.0.0.1:9/victim-ray-address", token: "victim-ray-token", proxyAuthHeader: false } });
  const sweep = await caller.sweeps.create({ org: b.slug, sweep: { name: "victim-sweep-name", job: { template: "iris-softmax" }, space: [{ name: "victim_param_x", type: "uniform", low: 0, high: 1 }], objectives: [{ metric: "victim_objective", goal: "minimize" }], algorithm: "random", maxTrials: 3 } as never });
  const pool = await caller.scheduling.createPool({ org: b.slug, pool: { name: "victim-pool-name", gpuType: "victim-gpu", gpus: 7, costPerGpuHour: 4.21 } });
  const queue = await caller.scheduling.createQueue({ org: b.slug, queue: { name: "victim-queue-name", cohort: "victim-cohort", quotas: [{ pool: "victim-pool-name", nominal: 3 }], isDefault: false, minRuntimeSeconds: 0 } });
  await caller.scheduling.setBudget({ org: b.slug, monthlyLimit: 4242.42 });
  const dataset = await uploadDataset(b.db, getObjectStore(), b.orgId, systemActor("test"), { name: "victim-dataset-name", type: "training", domain: "victim-domain", format: "csv" },
    Readable.from([Buffer.from("victim_column,label\n0.4242,victim-label-value\n")]));
  await caller.datasets.setRules({ org: b.slug, datasetId: dataset.dataset.id, rules: [{ kind: "not_null", column: "victim_column" }] });
  await caller.registry.register({ org: b.slug, name: MODEL, version: { runId: run.id, artifactPath: "victim/model.json", description: "victim-version-description", tags: { victim_model_tag: "victim-model-tag-value" } } });
  await caller.registry.setAlias({ org: b.slug, name: MODEL, alias: "victim-alias", version: 1 });
  const service = await caller.inference.create({ org: b.slug, service: { name: MODEL, backend: "vllm", protocol: "openai", servedModel: "victim-served-model", endpoints: ["http://127.0.0.1:9/victim-endpoint"], upstreamKey: "victim-upstream-key" } });
  const task = await caller.pipelines.create({ org: b.slug, task: { name: "victim-task-name", mode: "CONTINUOUS", modelName: "victim-model-name", datasetId: dataset.dataset.id, hyperparameters: { victim_hp: 42 }, maxIterations: 3 } });
  const rollout = await caller.traffic.startRollout({ org: b.slug, serviceId: service.id, rollout: { strategy: "canary", candidate: { name: "victim-candidate", servedModel: "victim-served-model", endpoints: ["http://127.0.0.1:9/victim-candidate"] }, intervalSeconds: 60, minRequests: 20 } as never });
  const ids: Record<string, string> = { serviceId: service.id, rolloutId: rollout.id, variant: "primary", alias: "victim-alias", datasetVersionId: dataset.version.id, taskId: task.id, datasetId: dataset.dataset.id, validationDatasetId: dataset.dataset.id, testDatasetId: dataset.dataset.id, poolId: pool.id, queueId: queue.id, sweepId: sweep.id, clusterId: cluster.id, runId: run.id, userId: member.id, keyId: key.id, invitationId: invitations[0].id, projectId: project.id, experimentId: (await caller.runs.get({ org: b.slug, runId: run.id })).experimentId };
  return { b, ids, revokedKey: revoked.key, invitationToken: invited.token!, runToken: token };
}

const VICTIM_TABLES_SQL = sql`select table_name from information_schema.columns where table_schema = 'public' and column_name = 'org_id' order by table_name`;

/** Every row the victim's organization owns, table by table, in a stable order. */
async function snapshot(orgId: string): Promise<Record<string, unknown[]>> {
  const db = await getDb();
  const tables = (await db.execute(VICTIM_TABLES_SQL)) as unknown as Array<{ table_name: string }>;
  const out: Record<string, unknown[]> = {};
  for (const { table_name } of tables) {
    out[table_name] = [...(await db.execute(sql`select * from ${sql.identifier(table_name)} where org_id = ${orgId} order by 1, 2`))];
  }
  out.organizations = [...(await db.execute(sql`select * from organizations where id = ${orgId}`))];
  out.users = [...(await db.execute(sql`select u.* from users u join memberships m on m.user_id = u.id where m.org_id = ${orgId} order by u.id`))];
  return out;
}

/** Every distinctive value the victim stores: if any shows up in an answer to the attacker, it leaked. */
/**
 * The victim's model is named as the probes name things ("probe"), so every registry procedure
 * and route the attacker calls asks for it by name.
 */
const MODEL = "probe";

function distinctiveValues(snap: Record<string, unknown[]>): string[] {
  const values = new Set<string>();
  const visit = (v: unknown) => {
    if (v instanceof Date || v === null || v === undefined) return;
    if (typeof v === "object") return Object.values(v as object).forEach(visit);
    const text = String(v);
    if (text.length >= 8 && !/^(true|false|QUEUED|CANCELLED|SUCCEEDED|RUNNING|STARTING|FAILED|training|local|default|Default|healthy|unhealthy|SUBMITTED|iris-softmax|minimize|maximize|loguniform)$/i.test(text)) values.add(text);
  };
  for (const [table, rows] of Object.entries(snap)) {
    // Audit and history rows repeat what is in the tables; their labels and actions are not secrets.
    if (table === "audit_log" || table === "lifecycle_transitions" || table === "model_events") continue;
    rows.forEach(visit);
  }
  return [...values];
}

function expectNoLeak(text: string, secrets: string[], where: string) {
  for (const s of secrets) expect(text.includes(s), `${where} leaked ${s.slice(0, 40)}`).toBe(false);
}

async function attackerCredentials(a: TestOrg) {
  const caller = await callerFor(a.adminId);
  const ownRun = await caller.training.submit({ org: a.slug, job: { name: "attacker-run", command: "true" } as never });
  return {
    keys: { admin: await apiKeyFor(a, "admin"), manager: await apiKeyFor(a, "manager"), user: await apiKeyFor(a, "user"), viewer: await apiKeyFor(a, "viewer") },
    runToken: await issueRunToken(a.db, { id: ownRun.id, orgId: a.orgId, attempt: 1 }),
  };
}

describe("tenant isolation", () => {
  it("keeps every tRPC procedure inside the caller's organization, for every member role", async () => {
    const a = await createOrgWithAdmin("Attacker Corp");
    const { b, ids, invitationToken } = await victimOrg();
    const before = await snapshot(b.orgId);
    const secrets = distinctiveValues(before);
    expect(secrets.length).toBeGreaterThan(15);
    const attackers = [await callerFor(a.adminId), ...(await Promise.all((["manager", "user", "viewer"] as const).map(async (r) => callerFor((await addUser(a.db, a.orgId, r)).id))))];
    const procedures = listProcedures();
    expect(procedures.length).toBeGreaterThan(15);
    for (const attacker of attackers) {
      for (const [name, proc] of procedures) {
        if (name.startsWith("invitations.")) continue; // the token is the credential; tested below
        if (takesOrg(proc)) {
          // 1. Naming the victim's organization: the attacker is not a member.
          await expect(invoke(attacker, name, procedureInput(proc, b.slug, ids)), name).rejects.toMatchObject({ code: "NOT_FOUND" });
        }
        // 2. Own organization, victim's ids in the input: refused, or an answer with nothing of the victim's.
        const input = procedureInput(proc, a.slug, ids);
        const aimsAtVictim = Object.values(ids).some((id) => JSON.stringify(input).includes(id));
        const result = await invoke(attacker, name, input).then((r) => ({ ok: true as const, r }), (e: { code: string }) => ({ ok: false as const, code: e.code }));
        if (result.ok) expectNoLeak(JSON.stringify(result.r) ?? "", secrets, name);
        else {
          // An input the procedure's own schema refuses never reaches a lookup: a 400 says nothing of anyone's data.
          const schemaRefuses = proc._def.inputs.some((schema) => !(schema as unknown as { safeParse(v: unknown): { success: boolean } }).safeParse(input).success);
          const allowed = aimsAtVictim && !schemaRefuses ? ["NOT_FOUND", "FORBIDDEN"] : ["NOT_FOUND", "FORBIDDEN", "BAD_REQUEST", "CONFLICT"];
          expect(allowed, `${name} failed with ${result.code}`).toContain(result.code);
        }
      }
    }
    // Without a session nothing but the public invitation lookup answers.
    const anonymous = await callerFor(null);
    for (const [name, proc] of procedures.filter(([n]) => n !== "invitations.get")) {
      await expect(invoke(anonymous, name, procedureInput(proc, b.slug, ids)), name).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    }
    // An invitation lookup tells the org's name and the role, nothing else of the victim's.
    const peek = await anonymous.invitations.get({ token: invitationToken });
    expect(Object.keys(peek).sort()).toEqual(["email", "orgName", "role"]);
    expect(await snapshot(b.orgId)).toEqual(before);
  });

  it("keeps every REST route inside the credential's organization, for every credential", async () => {
    const a = await createOrgWithAdmin("Attacker Two");
    const { b, ids, revokedKey } = await victimOrg();
    const creds = await attackerCredentials(a);
    const before = await snapshot(b.orgId);
    const secrets = distinctiveValues(before);
    const routes = findRoutes().filter((r) => !(r.route in NOT_TENANT_SCOPED));
    expect(routes.length).toBeGreaterThanOrEqual(6);
    const pathValues: Record<string, string | string[]> = { runId: ids.runId, path: ["victim", "model.json"], version: "1", name: MODEL, alias: ids.alias, service: MODEL, variant: "primary", rollout: ids.rolloutId, action: "rollback" };
    const body = { metrics: [{ key: "x", value: 1, step: 0 }], params: { a: 1 }, tags: { a: "1" }, runId: ids.runId, org: b.slug, orgId: b.orgId };
    const query = `?org=${b.slug}&runId=${ids.runId}&orgId=${b.orgId}`;
    const credentials: Array<[string, string | undefined, number[]]> = [
      ...Object.entries(creds.keys).map(([role, key]): [string, string, number[]] => [`${role} API key`, key, [403, 404]]),
      ["another run's token", creds.runToken, [403, 404]],
      ["a revoked key of the victim's", revokedKey, [401]],
      ["no credential", undefined, [401]],
    ];
    for (const route of routes) {
      // `[id]` is the id of what the route is about: a cluster, a sweep, a pool, a queue, or a job.
      const byPrefix: Record<string, string> = { "v1/clusters": ids.clusterId, "v1/sweeps": ids.sweepId, "v1/pools": ids.poolId, "v1/queues": ids.queueId, "v1/datasets": ids.datasetId, "datasets": ids.datasetId, "tasks": ids.taskId, "v1/inference/services": ids.serviceId };
      const valueOf = (p: string) => (p === "id" ? (Object.entries(byPrefix).find(([prefix]) => route.route.startsWith(prefix))?.[1] ?? ids.runId) : pathValues[p]);
      for (const name of route.params) if (valueOf(name) === undefined) throw new Error(`no victim fixture for path parameter "${name}" in ${route.route}`);
      for (const [method, handler] of await routeHandlers(route)) {
        for (const [label, token, expected] of credentials) {
          const res = await call(handler, {
            method, token, url: `http://127.0.0.1:3000/api/${route.route}${query}`,
            params: Object.fromEntries(route.params.map((p) => [p, valueOf(p)])),
            ...(method === "GET" ? {} : method === "PUT" ? { rawBody: "overwrite" } : { body }),
          });
          const text = await res.text();
          // A collection route (no id in its path) may create in the caller's own org; the
          // answer and the victim's rows are still checked below.
          const allowed = route.params.length === 0 && token && label.endsWith("API key") ? [...expected, ...(method === "GET" ? [200] : [201, 400])] : expected;
          expect(allowed, `${method} /api/${route.route} with ${label} → ${res.status}`).toContain(res.status);
          expectNoLeak(text, secrets, `${method} /api/${route.route} with ${label}`);
        }
      }
    }
    // A browser session names its organization with ?org=: the attacker's session gets nothing of the victim's.
    const cookie = { cookie: "authjs.session-token=x" };
    await expect(authenticate(await getDb(), new Request(`http://x/api/v1/runs/${ids.runId}?org=${b.slug}`, { headers: cookie }), async () => a.adminId)).rejects.toMatchObject({ kind: "NOT_FOUND" });
    expect(await snapshot(b.orgId)).toEqual(before);
  });
});
