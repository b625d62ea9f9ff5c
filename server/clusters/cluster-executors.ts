import { and, eq, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { clusters } from "@/server/db/schema";
import { unseal } from "@/server/auth/secret-box";
import type { KubeConnection } from "@/server/executors/kuberay/kube-client";
import { createKubeRayExecutor, type KubeRayExecutor } from "@/server/executors/kuberay/kuberay-executor";
import { createRayExecutor, type RayExecutor } from "@/server/executors/ray/ray-executor";
import { inClusterConnection } from "./kubeconfig";

type Cluster = typeof clusters.$inferSelect;

/** What is sealed in `clusters.credentials`. */
export interface ClusterCredentials {
  token?: string;
  proxyAuthHeader?: boolean;
  ca?: string;
  clientCert?: string;
  clientKey?: string;
  insecureSkipTlsVerify?: boolean;
}

export type ClusterExecutor = (RayExecutor | KubeRayExecutor) & { kind: "ray" | "kuberay" };

const cache = new Map<string, { stamp: number; executor: ClusterExecutor }>();

/** The executor for a registered cluster, rebuilt when the cluster's settings change. */
export function executorForCluster(cluster: Cluster, installId: string): ClusterExecutor {
  const stamp = cluster.updatedAt.getTime();
  const key = `${cluster.id}:${installId}`;
  const hit = cache.get(key);
  if (hit && hit.stamp === stamp) return hit.executor;
  const creds: ClusterCredentials = cluster.credentials ? JSON.parse(unseal(cluster.credentials)) : {};
  let executor: ClusterExecutor;
  if (cluster.kind === "ray") {
    executor = Object.assign(createRayExecutor({ address: cluster.address, token: creds.token, proxyAuthHeader: creds.proxyAuthHeader, installId }), { kind: "ray" as const });
  } else {
    executor = Object.assign(createKubeRayExecutor({ ...kubeConnection(cluster), installId, rayImage: cluster.rayImage ?? "rayproject/ray:2.52.0" }), { kind: "kuberay" as const });
  }
  cache.set(key, { stamp, executor });
  return executor;
}

/** How to reach a Kubernetes cluster's API server, in the namespace Anvil uses there. */
export function kubeConnection(cluster: Cluster): KubeConnection {
  const creds: ClusterCredentials = cluster.credentials ? JSON.parse(unseal(cluster.credentials)) : {};
  const conn = cluster.address === "in-cluster" ? inClusterConnection() : { server: cluster.address, ...creds };
  return { ...conn, namespace: cluster.namespace ?? "default" };
}

/** The cluster a run goes to, in its own organization; null when it was deleted since. */
export async function loadClusterExecutor(db: DbOrTx, orgId: string, clusterId: string, installId: string): Promise<{ cluster: Cluster; executor: ClusterExecutor } | null> {
  const [cluster] = await db.select().from(clusters).where(and(eq(clusters.id, clusterId), eq(clusters.orgId, orgId)));
  return cluster ? { cluster, executor: executorForCluster(cluster, installId) } : null;
}

/** What the runner last saw of a cluster: shown on the cluster page. Null = it answered fine. */
export async function recordClusterContact(db: Db, clusterId: string, problem: string | null): Promise<void> {
  if (problem) {
    await db.update(clusters).set({ health: "unhealthy", lastError: problem, checkedAt: sql`now()` }).where(eq(clusters.id, clusterId));
  } else {
    // Every poll succeeds this way: write only when it changes something.
    await db.update(clusters).set({ health: "healthy", lastError: null, checkedAt: sql`now()` })
      .where(and(eq(clusters.id, clusterId), sql`(${clusters.health} <> 'healthy' or ${clusters.lastError} is not null)`));
  }
}
