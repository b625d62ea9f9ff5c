import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { clusters, inferenceServices, runs } from "@/server/db/schema";
import { seal } from "@/server/auth/secret-box";
import { env } from "@/server/env";
import { ConflictError, NotFoundError, ValidationError } from "@/server/errors";
import { RemoteCallError } from "@/server/executors/types";
import { runLifecycle } from "@/server/runner/run-lifecycle";
import type { Actor } from "@/server/tenancy/actor";
import { recordAudit } from "@/server/tenancy/audit";
import type { ClusterCredentials } from "./cluster-executors";
import { executorForCluster } from "./cluster-executors";
import type { RegisterClusterInput } from "./cluster-input";
import { connectionFromKubeconfig } from "./kubeconfig";

type Cluster = typeof clusters.$inferSelect;

/** A cluster as callers see it: never its credentials, only whether there are some. */
export function clusterView(c: Cluster, activeJobs = 0) {
  return {
    id: c.id, name: c.name, kind: c.kind, address: c.address, namespace: c.namespace, rayImage: c.rayImage,
    hasCredentials: Boolean(c.credentials), health: c.health, rayVersion: c.rayVersion, lastError: c.lastError,
    checkedAt: c.checkedAt, createdAt: c.createdAt, activeJobs,
  };
}
export type ClusterView = ReturnType<typeof clusterView>;

const PROBE_TIMEOUT_MS = 8_000;

/** Registers a cluster and probes it once, so the page shows at once whether it answers. */
export async function registerCluster(db: Db, org: { id: string }, actor: Actor, input: RegisterClusterInput, installId: string): Promise<ClusterView> {
  const values = clusterValues(input);
  const created = await db.transaction(async (tx) => {
    const [dupe] = await tx.select({ id: clusters.id }).from(clusters).where(and(eq(clusters.orgId, org.id), sql`lower(${clusters.name}) = lower(${input.name})`));
    if (dupe) throw new ConflictError(`A cluster named "${input.name}" already exists`);
    const [row] = await tx.insert(clusters).values({ orgId: org.id, name: input.name, ...values, createdBy: actor.kind === "user" ? actor.userId : null }).returning();
    await recordAudit(tx, { orgId: org.id, actor, action: "cluster.register", targetType: "cluster", targetId: row.id, details: { name: row.name, kind: row.kind, address: row.address } });
    return row;
  });
  return checkCluster(db, org.id, created.id, installId);
}

/**
 * New connection settings for a cluster (a rotated token, a moved dashboard): the whole
 * registration again, same kind. Running jobs carry on; the next call uses the new settings.
 */
export async function updateCluster(db: Db, org: { id: string }, actor: Actor, id: string, input: RegisterClusterInput, installId: string): Promise<ClusterView> {
  const values = clusterValues(input);
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(clusters).where(and(eq(clusters.id, id), eq(clusters.orgId, org.id))).for("update");
    if (!row) throw new NotFoundError("Cluster");
    if (row.kind !== input.kind) throw new ValidationError(`"${row.name}" is a ${row.kind === "ray" ? "Ray" : "KubeRay"} cluster; register a new one for another kind`);
    const [dupe] = await tx.select({ id: clusters.id }).from(clusters).where(and(eq(clusters.orgId, org.id), sql`lower(${clusters.name}) = lower(${input.name})`, sql`${clusters.id} <> ${id}`));
    if (dupe) throw new ConflictError(`A cluster named "${input.name}" already exists`);
    await tx.update(clusters).set({ name: input.name, ...values, health: "unknown", lastError: null, updatedAt: sql`now()` }).where(eq(clusters.id, id));
    await recordAudit(tx, { orgId: org.id, actor, action: "cluster.update", targetType: "cluster", targetId: id, details: { name: input.name, address: values.address } });
  });
  return checkCluster(db, org.id, id, installId);
}

function clusterValues(input: RegisterClusterInput): Pick<Cluster, "kind" | "address" | "namespace" | "rayImage" | "credentials"> {
  if (input.kind === "ray") {
    const creds: ClusterCredentials = { token: input.token || undefined, proxyAuthHeader: input.proxyAuthHeader || undefined };
    return { kind: "ray", address: input.address, namespace: null, rayImage: null, credentials: creds.token ? seal(JSON.stringify(creds)) : null };
  }
  if (input.inCluster) {
    // Anvil's own service account is the installation's, not an organization's: its operator
    // says in which namespaces organizations may use it.
    const allowed = (env.ANVIL_KUBERAY_IN_CLUSTER_NAMESPACES ?? "").split(",").map((n) => n.trim()).filter(Boolean);
    if (!allowed.includes(input.namespace)) {
      throw new ValidationError(allowed.length === 0
        ? "In-cluster credentials are off on this installation (its operator sets ANVIL_KUBERAY_IN_CLUSTER_NAMESPACES); use a kubeconfig or a token"
        : `In-cluster credentials may be used in these namespaces only: ${allowed.join(", ")}`);
    }
  }
  if (input.inCluster) return { kind: "kuberay", address: "in-cluster", namespace: input.namespace, rayImage: input.rayImage, credentials: null };
  if (input.kubeconfig?.trim()) {
    const { server, namespace, ...creds } = connectionFromKubeconfig(input.kubeconfig);
    const ns = input.namespace !== "default" ? input.namespace : (namespace ?? "default");
    return { kind: "kuberay", address: server, namespace: ns, rayImage: input.rayImage, credentials: seal(JSON.stringify(creds)) };
  }
  if (!input.server) throw new ValidationError("Give a kubeconfig, the API server's URL, or choose in-cluster credentials");
  const creds: ClusterCredentials = { token: input.token || undefined, ca: input.ca || undefined, insecureSkipTlsVerify: input.insecureSkipTlsVerify || undefined };
  return { kind: "kuberay", address: input.server, namespace: input.namespace, rayImage: input.rayImage, credentials: seal(JSON.stringify(creds)) };
}

/** Asks the cluster how it is (Ray: version; KubeRay: list RayJobs) and records the answer. */
export async function checkCluster(db: Db, orgId: string, id: string, installId: string): Promise<ClusterView> {
  const cluster = await getClusterRow(db, orgId, id);
  let set: Partial<Cluster>;
  try {
    const executor = executorForCluster(cluster, installId);
    const signal = AbortSignal.timeout(PROBE_TIMEOUT_MS);
    if (executor.kind === "ray") {
      const v = await (executor as import("@/server/executors/ray/ray-executor").RayExecutor).probe({ signal });
      set = { health: "healthy", rayVersion: v.rayVersion, lastError: null };
    } else {
      await (executor as import("@/server/executors/kuberay/kuberay-executor").KubeRayExecutor).probe({ signal });
      set = { health: "healthy", rayVersion: /:(\d+\.\d+\.\d+)/.exec(cluster.rayImage ?? "")?.[1] ?? null, lastError: null };
    }
  } catch (err) {
    set = { health: "unhealthy", lastError: err instanceof RemoteCallError || err instanceof Error ? err.message : String(err) };
  }
  const [row] = await db.update(clusters).set({ ...set, checkedAt: sql`now()` } as never).where(and(eq(clusters.id, id), eq(clusters.orgId, orgId))).returning();
  return clusterView(row, await activeJobCount(db, id));
}

export async function getClusterRow(db: Db, orgId: string, id: string): Promise<Cluster> {
  const [row] = await db.select().from(clusters).where(and(eq(clusters.id, id), eq(clusters.orgId, orgId)));
  if (!row) throw new NotFoundError("Cluster");
  return row;
}

export async function getCluster(db: Db, orgId: string, id: string): Promise<ClusterView> {
  return clusterView(await getClusterRow(db, orgId, id), await activeJobCount(db, id));
}

/** A cluster by name (case-insensitive), for job submissions that name it. */
export async function findClusterByName(db: Db, orgId: string, name: string): Promise<Cluster> {
  const [row] = await db.select().from(clusters).where(and(eq(clusters.orgId, orgId), sql`lower(${clusters.name}) = lower(${name})`));
  if (!row) throw new ValidationError(`No cluster named "${name}" in this organization (Clusters lists them)`);
  return row;
}

export async function listClusters(db: Db, orgId: string): Promise<ClusterView[]> {
  const rows = await db.select().from(clusters).where(eq(clusters.orgId, orgId)).orderBy(asc(clusters.name));
  const counts = await db.select({ clusterId: runs.clusterId, n: sql<number>`count(*)::int` }).from(runs)
    .where(and(eq(runs.orgId, orgId), sql`${runs.clusterId} is not null`, sql`${runs.status} in ${runLifecycle.active}`))
    .groupBy(runs.clusterId);
  const byId = new Map(counts.map((c) => [c.clusterId, c.n]));
  return rows.map((r) => clusterView(r, byId.get(r.id) ?? 0));
}

async function activeJobCount(db: Db, clusterId: string): Promise<number> {
  const [{ n }] = await db.select({ n: sql<number>`count(*)::int` }).from(runs)
    .where(and(eq(runs.clusterId, clusterId), sql`${runs.status} in ${runLifecycle.active}`));
  return n;
}

/** Removes a cluster with nothing running on it; its finished jobs keep their history. */
export async function deleteCluster(db: Db, org: { id: string }, actor: Actor, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(clusters).where(and(eq(clusters.id, id), eq(clusters.orgId, org.id))).for("update");
    if (!row) throw new NotFoundError("Cluster");
    const [{ n, orphaned }] = await tx.select({ n: sql<number>`count(*) filter (where ${runs.status} in ${runLifecycle.active})::int`, orphaned: sql<number>`count(*) filter (where ${runs.remoteState} = 'ORPHANED')::int` })
      .from(runs).where(eq(runs.clusterId, id));
    if (n > 0) throw new ConflictError(`${n} job${n === 1 ? " is" : "s are"} still queued or running on "${row.name}"; stop them first`);
    if (orphaned > 0) throw new ConflictError(`${orphaned} cancelled job${orphaned === 1 ? " has" : "s have"} not stopped on "${row.name}" yet; Anvil is still asking the cluster to stop ${orphaned === 1 ? "it" : "them"}`);
    // A kubernetes service's Deployments live there: it goes first. Deleted services only keep the link for history.
    const [serving] = await tx.select({ name: inferenceServices.name }).from(inferenceServices)
      .where(and(eq(inferenceServices.clusterId, id), sql`${inferenceServices.status} <> 'STOPPED'`)).limit(1);
    if (serving) throw new ConflictError(`The inference service "${serving.name}" runs on "${row.name}"; delete it first`);
    await tx.update(inferenceServices).set({ clusterId: null }).where(eq(inferenceServices.clusterId, id));
    await tx.delete(clusters).where(eq(clusters.id, id));
    await recordAudit(tx, { orgId: org.id, actor, action: "cluster.delete", targetType: "cluster", targetId: id, details: { name: row.name } });
  });
}
