/**
 * Admission of queued jobs to GPU pools, as Kueue does it, over a snapshot: pure, so it is tested
 * without a database and the runner only applies its decisions. Queues hold a nominal quota per
 * pool; queues in a cohort lend each other idle quota (a queue may borrow up to its borrowing
 * limit); a job that cannot fit may preempt lower-priority jobs of its own queue, or reclaim quota
 * its queue lent to borrowers in the cohort — never a job still inside its minimum runtime.
 */

/** `target` = where the pool's GPUs are (an executor or a cluster); null = wherever the job runs. */
export interface Pool { id: string; name: string; gpuType: string | null; gpus: number; target?: string | null }
export interface Quota { poolId: string; nominal: number; borrowingLimit: number | null }
/** `weight` (default 1): a larger share of what the cohort lends, as Kueue's fair sharing. */
export interface Queue { id: string; name: string; cohort: string | null; quotas: Quota[]; weight?: number }
/** `preempting`: already asked to stop; its GPUs are the first a new plan counts on. */
export interface AdmittedJob { runId: string; name: string; queueId: string; poolId: string; gpus: number; priority: number; admittedAt: number; protectedUntil: number; preempting?: boolean }
/** `blockedBy`: a reason outside quotas (a spent budget) that keeps the job waiting in its place. */
export interface PendingJob { runId: string; queueId: string; gpus: number; gpuType: string | null; priority: number; seq: number; target?: string | null; blockedBy?: string }
export interface Snapshot { now: number; pools: Pool[]; queues: Queue[]; admitted: AdmittedJob[]; pending: PendingJob[] }

export type Decision =
  | { kind: "admit"; runId: string; poolId: string | null; borrowing: boolean }
  | { kind: "preempt"; runId: string; by: string; reason: string }
  | { kind: "wait"; runId: string; position: number; reason: string };

interface Ledger {
  /** GPUs in use per pool, and per queue and pool; jobs per queue and pool; bumped on every change. */
  pool: Map<string, number>;
  queue: Map<string, number>;
  queueJobs: Map<string, number>;
  jobs: Map<string, Map<string, AdmittedJob>>;
  version: number;
}

const qp = (queueId: string, poolId: string) => `${queueId}\u0000${poolId}`;

export function admitQueuedRuns(s: Snapshot): Decision[] {
  const pools = new Map(s.pools.map((p) => [p.id, p]));
  const queues = new Map(s.queues.map((q) => [q.id, q]));
  const cohorts = new Map<string, Queue[]>();
  for (const q of s.queues) if (q.cohort) cohorts.set(q.cohort, [...(cohorts.get(q.cohort) ?? []), q]);
  const ledger: Ledger = { pool: new Map(), queue: new Map(), queueJobs: new Map(), jobs: new Map(), version: 0 };
  const add = (j: AdmittedJob, sign: 1 | -1) => {
    ledger.version++;
    ledger.pool.set(j.poolId, (ledger.pool.get(j.poolId) ?? 0) + sign * j.gpus);
    ledger.queue.set(qp(j.queueId, j.poolId), (ledger.queue.get(qp(j.queueId, j.poolId)) ?? 0) + sign * j.gpus);
    ledger.queueJobs.set(qp(j.queueId, j.poolId), (ledger.queueJobs.get(qp(j.queueId, j.poolId)) ?? 0) + sign);
    const inPool = ledger.jobs.get(j.poolId) ?? new Map<string, AdmittedJob>();
    ledger.jobs.set(j.poolId, inPool);
    if (sign === 1) inPool.set(j.runId, j); else inPool.delete(j.runId);
  };
  for (const j of s.admitted) add(j, 1);

  const nominal = (queueId: string, poolId: string) => queues.get(queueId)?.quotas.find((x) => x.poolId === poolId)?.nominal ?? 0;
  const used = (queueId: string, poolId: string) => ledger.queue.get(qp(queueId, poolId)) ?? 0;
  const cohortOf = (q: Queue) => (q.cohort ? cohorts.get(q.cohort)! : [q]);
  const cohortRoom = (q: Queue, poolId: string) => cohortOf(q).reduce((n, m) => n + nominal(m.id, poolId) - used(m.id, poolId), 0);

  /** Whether `gpus` more fit for queue q in pool p now; and whether that means borrowing. */
  const fits = (q: Queue, quota: Quota, gpus: number): { ok: boolean; borrowing: boolean } => {
    const pool = pools.get(quota.poolId)!;
    if ((ledger.pool.get(pool.id) ?? 0) + gpus > pool.gpus) return { ok: false, borrowing: false };
    const after = used(q.id, pool.id) + gpus;
    if (after <= quota.nominal) return { ok: true, borrowing: false };
    if (!q.cohort) return { ok: false, borrowing: true };
    const over = after - quota.nominal;
    if (quota.borrowingLimit !== null && over > quota.borrowingLimit) return { ok: false, borrowing: true };
    return { ok: cohortRoom(q, pool.id) >= gpus, borrowing: true };
  };

  const decisions: Decision[] = [];
  const waiting = new Map<string, number>();
  // Most of a long queue cannot start: once a job of a queue, priority and size found no room
  // (nor a plan) in the ledger as it is, a job asking as much or more needs no second look.
  const hopeless = new Map<string, { version: number; gpus: number }>();
  const claimed = new Set<string>();
  const noRoom = (q: Queue, job: PendingJob) => {
    const seen = hopeless.get(`${q.id}|${job.priority}|${job.gpuType}|${job.target}`);
    return seen !== undefined && seen.version === ledger.version && job.gpus >= seen.gpus;
  };
  for (const job of fairOrder()) {
    const q = queues.get(job.queueId);
    if (!q) { decisions.push(wait(job, waiting, `queue ${job.queueId} does not exist`)); continue; }
    if (job.blockedBy) { decisions.push(wait(job, waiting, job.blockedBy)); continue; }
    if (job.gpus === 0) { decisions.push({ kind: "admit", runId: job.runId, poolId: null, borrowing: false }); continue; }
    const quotas = q.quotas.filter((x) => {
      const pool = pools.get(x.poolId);
      return pool && (!job.gpuType || pool.gpuType === job.gpuType) && (!pool.target || !job.target || pool.target === job.target);
    });
    if (quotas.length === 0) { decisions.push(wait(job, waiting, `queue ${q.name} has no quota in a pool of ${job.gpuType ?? "GPUs"} where this job runs`)); continue; }

    if (noRoom(q, job)) { decisions.push(wait(job, waiting, whyWaiting(q, quotas[0], job))); continue; }
    const admitted = quotas.find((quota) => fits(q, quota, job.gpus).ok);
    if (admitted) {
      const borrowing = fits(q, admitted, job.gpus).borrowing;
      // Admitted in this pass: not a candidate for preemption in the same pass.
      add({ runId: job.runId, name: job.runId, queueId: q.id, poolId: admitted.poolId, gpus: job.gpus, priority: job.priority, admittedAt: s.now, protectedUntil: Infinity }, 1);
      decisions.push({ kind: "admit", runId: job.runId, poolId: admitted.poolId, borrowing });
      continue;
    }
    const plan = quotas.map((quota) => preemptionPlan(q, quota, job)).find((p) => p !== null);
    if (plan) {
      // Its victims' GPUs are this job's: no other plan in the pass counts on them too.
      for (const victim of plan.victims) claimed.add(victim.runId);
      for (const victim of plan.victims) {
        if (victim.preempting) continue; // asked already: it is stopping
        decisions.push({ kind: "preempt", runId: victim.runId, by: job.runId, reason: victim.queueId === q.id
          ? `preempted by a priority-${job.priority} job of queue ${q.name} (its priority is ${victim.priority})`
          : `its queue ${queues.get(victim.queueId)?.name} was borrowing from queue ${q.name}, which needs its quota back` });
      }
      // The victims hold their GPUs until they have stopped; the free GPUs this job will need
      // besides theirs are promised to it, so no later job in this pass takes them.
      const freed = plan.victims.reduce((n, v) => n + v.gpus, 0);
      if (job.gpus > freed) add({ runId: job.runId, name: job.runId, queueId: q.id, poolId: plan.poolId, gpus: job.gpus - freed, priority: job.priority, admittedAt: s.now, protectedUntil: Infinity }, 1);
      decisions.push(wait(job, waiting, `preempting ${plan.victims.length} job${plan.victims.length === 1 ? "" : "s"} in pool ${pools.get(plan.poolId)!.name}; starts when they have stopped`));
      continue;
    }
    const key = `${q.id}|${job.priority}|${job.gpuType}|${job.target}`;
    const seen = hopeless.get(key);
    hopeless.set(key, { version: ledger.version, gpus: seen && seen.version === ledger.version ? Math.min(seen.gpus, job.gpus) : job.gpus });
    decisions.push(wait(job, waiting, whyWaiting(q, quotas[0], job)));
  }
  return decisions;

  /**
   * As Kueue orders its queues' heads: a job that fits within its queue's nominal quota before
   * one that would borrow (else a borrower that was preempted would take back, at once, the GPUs
   * its preemptor reclaimed); then higher priority; then the queue borrowing least for its
   * weight (fair sharing); then submission. Lazily: each pick sees the ledger the previous left.
   */
  function* fairOrder(): Generator<PendingJob> {
    const lists = new Map<string, PendingJob[]>();
    for (const j of s.pending) {
      const list = lists.get(j.queueId);
      if (list) list.push(j); else lists.set(j.queueId, [j]);
    }
    const heads = [...lists.values()].map((list) => ({ list: list.sort((a, b) => b.priority - a.priority || a.seq - b.seq), at: 0, share: 0, nominal: false }));
    const shareOf = (queueId: string) => {
      const q = queues.get(queueId);
      if (!q?.cohort) return 0;
      const borrowed = q.quotas.reduce((n, x) => n + Math.max(0, used(q.id, x.poolId) - x.nominal), 0);
      return borrowed / Math.max(q.weight ?? 1, 1e-9);
    };
    const withinNominal = (j: PendingJob) => {
      const q = queues.get(j.queueId);
      return Boolean(q?.quotas.some((x) => used(q.id, x.poolId) + j.gpus <= x.nominal));
    };
    // Only the picked queue's usage moves between picks: the other heads keep their keys.
    const rekey = (h: (typeof heads)[number]) => {
      h.share = shareOf(h.list[0].queueId);
      h.nominal = h.at < h.list.length && withinNominal(h.list[h.at]);
    };
    heads.forEach(rekey);
    for (;;) {
      let best: (typeof heads)[number] | undefined;
      for (const h of heads) {
        if (h.at >= h.list.length) continue;
        if (!best) { best = h; continue; }
        const a = h.list[h.at], b = best.list[best.at];
        const before = h.nominal !== best.nominal ? h.nominal
          : a.priority !== b.priority ? a.priority > b.priority
          : h.share !== best.share ? h.share < best.share
          : a.seq < b.seq;
        if (before) best = h;
      }
      if (!best) return;
      yield best.list[best.at++];
      rekey(best);
    }
  }

  /**
   * The fewest jobs to stop so that `job` fits in this pool: lower-priority jobs of its own queue,
   * and borrowers of other cohort queues when the job fits within its queue's nominal quota —
   * lowest priority first, newest first; none inside its minimum runtime.
   */
  function preemptionPlan(q: Queue, quota: Quota, job: PendingJob): { poolId: string; victims: AdmittedJob[] } | null {
    const withinNominal = used(q.id, quota.poolId) + job.gpus <= quota.nominal;
    const borrowers = new Set(cohortOf(q).filter((m) => m.id !== q.id && used(m.id, quota.poolId) > nominal(m.id, quota.poolId)).map((m) => m.id));
    const candidates = [...(ledger.jobs.get(quota.poolId)?.values() ?? [])]
      .filter((v) => v.protectedUntil <= s.now && !claimed.has(v.runId) && ((v.queueId === q.id && v.priority < job.priority) || (withinNominal && borrowers.has(v.queueId))))
      .sort((a, b) => Number(Boolean(b.preempting)) - Number(Boolean(a.preempting)) || a.priority - b.priority || b.admittedAt - a.admittedAt);
    const taken: AdmittedJob[] = [];
    // The plan is tried on the ledger and undone: the same state, so the same version.
    const version = ledger.version;
    const undo = () => { for (const t of taken) add(t, 1); ledger.version = version; };
    for (const v of candidates) {
      // A borrower stops being a candidate once its queue is back within its nominal quota.
      if (v.queueId !== q.id && used(v.queueId, quota.poolId) <= nominal(v.queueId, quota.poolId)) continue;
      add(v, -1);
      taken.push(v);
      if (fits(q, quota, job.gpus).ok) {
        undo(); // the caller applies the plan
        return { poolId: quota.poolId, victims: taken };
      }
    }
    undo();
    return null;
  }

  function whyWaiting(q: Queue, quota: Quota, job: PendingJob): string {
    const pool = pools.get(quota.poolId)!;
    const inPool = ledger.pool.get(pool.id) ?? 0;
    const mine = used(q.id, pool.id);
    const jobs = ledger.queueJobs.get(qp(q.id, pool.id)) ?? 0;
    if (mine >= quota.nominal) {
      return `quota for pool ${pool.name} exhausted: ${mine}/${quota.nominal} GPUs in use by ${jobs} job${jobs === 1 ? "" : "s"} of queue ${q.name}${q.cohort ? ", and nothing idle to borrow in its cohort" : ""}`;
    }
    if (mine + job.gpus > quota.nominal) {
      const idle = q.cohort ? Math.max(0, cohortRoom(q, pool.id) - (quota.nominal - mine)) : 0;
      return `needs ${job.gpus} GPUs of pool ${pool.name}: queue ${q.name} has ${quota.nominal - mine} of its ${quota.nominal} free${q.cohort ? ` and ${idle} idle to borrow in its cohort` : ""}`;
    }
    return `pool ${pool.name} is full: ${inPool}/${pool.gpus} GPUs in use`;
  }
}

function wait(job: PendingJob, waiting: Map<string, number>, reason: string): Decision {
  const position = (waiting.get(job.queueId) ?? 0) + 1;
  waiting.set(job.queueId, position);
  return { kind: "wait", runId: job.runId, position, reason };
}
