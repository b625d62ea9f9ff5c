import type { SQL } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import type { Executor } from "@/server/executors/types";
import type { ObjectStore } from "@/server/storage/object-store";
import type { Lifecycle, LifecycleTable } from "./lifecycle";

/** Named places where a test can crash or stall a runner, and assert that it got there. */
export type FaultPoint = "run:after-intent" | "run:after-submit" | "run:after-log-chunk" | "run:before-terminal" | "task:after-phase-run" | "task:after-import";

export interface RunnerOptions {
  owner: string;
  leaseSeconds: number;
  pollMs: number;
  /** Rows claimed per lifecycle and pass. */
  batchSize: number;
  /** Rows reconciled at once; the rest of the batch waits, its leases renewed meanwhile. */
  concurrency: number;
  /** Longest an executor call may take before it is abandoned. */
  callTimeoutMs: number;
  executors: Record<string, Executor>;
  installId: string;
  appUrl: string;
  localMaxConcurrent: number;
  /** After this long without any runner announcing a placement, its runs may be taken over. */
  placementTimeoutSeconds: number;
  /** Purging of deleted runs and experiments in the sweep; unset ⇒ no purge (tests purge directly). */
  retention?: { store: ObjectStore; purgeAfterHours: number };
  /** How long a stop may take before the run ends CANCELLED and its job is left ORPHANED (default 15 s). */
  stopDeadlineSeconds?: number;
  faultPoint?: (point: FaultPoint) => void | Promise<void>;
}

/**
 * What the runner does for one lifecycle: which due rows it may claim, and how it moves one row
 * one step. `reconcile` must stop when `signal` aborts (lease lost, timeout).
 */
export interface Controller<T extends LifecycleTable = LifecycleTable> {
  // The lifecycle's status type does not matter to the loop; `string` keeps them all assignable.
  lifecycle: Lifecycle<string, T>;
  claimFilter?: (opts: RunnerOptions) => SQL | undefined;
  reconcile(db: Db, opts: RunnerOptions, row: T["$inferSelect"], signal: AbortSignal): Promise<void>;
  /** Every pass, after the claims: small chores on rows no lease covers (retrying orphaned stops). */
  housekeeping?(db: Db, opts: RunnerOptions): Promise<void>;
  /** Occasional housekeeping outside any row's lease (e.g. stopping orphaned remote jobs). */
  sweep?(db: Db, opts: RunnerOptions): Promise<void>;
}
