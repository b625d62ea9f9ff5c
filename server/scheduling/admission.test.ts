import { describe, expect, it } from "vitest";
import { admitQueuedRuns, type AdmittedJob, type PendingJob, type Snapshot } from "./admission";

/** Kueue's semantics on small, readable snapshots: quota, cohort borrowing, preemption, reasons. */

const NOW = 1_000_000;
const pool = { id: "a100", name: "a100", gpuType: "A100", gpus: 8 };
const queue = (id: string, nominal: number, cohort: string | null = "research", borrowingLimit: number | null = null) =>
  ({ id, name: id, cohort, quotas: [{ poolId: "a100", nominal, borrowingLimit }] });
const running = (runId: string, queueId: string, gpus: number, priority = 0, extra: Partial<AdmittedJob> = {}): AdmittedJob =>
  ({ runId, name: runId, queueId, poolId: "a100", gpus, priority, admittedAt: NOW - 60_000, protectedUntil: NOW - 1, ...extra });
let seq = 0;
const queued = (runId: string, queueId: string, gpus: number, priority = 0, gpuType: string | null = null): PendingJob => ({ runId, queueId, gpus, gpuType, priority, seq: ++seq });
const snap = (s: Partial<Snapshot>): Snapshot => ({ now: NOW, pools: [pool], queues: [queue("vision", 4), queue("nlp", 4)], admitted: [], pending: [], ...s });
const byRun = (d: ReturnType<typeof admitQueuedRuns>) => Object.fromEntries(d.map((x) => [x.runId, x]));

describe("admission", () => {
  it("admits within the nominal quota, then makes the next job wait with its position and why", () => {
    const d = byRun(admitQueuedRuns(snap({ queues: [queue("vision", 4, null)], pending: [queued("j1", "vision", 2), queued("j2", "vision", 2), queued("j3", "vision", 2), queued("j4", "vision", 1)] })));
    expect(d.j1).toMatchObject({ kind: "admit", poolId: "a100", borrowing: false });
    expect(d.j2).toMatchObject({ kind: "admit" });
    expect(d.j3).toEqual({ kind: "wait", runId: "j3", position: 1, reason: "quota for pool a100 exhausted: 4/4 GPUs in use by 2 jobs of queue vision" });
    expect(d.j4).toMatchObject({ kind: "wait", position: 2 });
  });

  it("borrows idle quota from the cohort, up to the borrowing limit", () => {
    const d = byRun(admitQueuedRuns(snap({ queues: [queue("vision", 4, "research", 2), queue("nlp", 4)], pending: [queued("big", "vision", 6), queued("more", "vision", 1)] })));
    expect(d.big).toMatchObject({ kind: "admit", borrowing: true });
    expect(d.more).toMatchObject({ kind: "wait", reason: expect.stringContaining("6/4 GPUs in use by 1 job") });
  });

  it("a high-priority job reclaims lent quota: the borrower is preempted, saying by whom and why", () => {
    const d = admitQueuedRuns(snap({ admitted: [running("borrower", "vision", 6, 0)], pending: [queued("urgent", "nlp", 4, 100)] }));
    expect(d).toEqual([
      { kind: "preempt", runId: "borrower", by: "urgent", reason: "its queue vision was borrowing from queue nlp, which needs its quota back" },
      { kind: "wait", runId: "urgent", position: 1, reason: "preempting 1 job in pool a100; starts when they have stopped" },
    ]);
  });

  it("a victim's GPUs stay counted until it has stopped: no later job in the pass takes them", () => {
    const d = byRun(admitQueuedRuns(snap({ admitted: [running("borrower", "vision", 8, 0)], pending: [queued("urgent", "nlp", 2, 100), queued("small", "vision", 1, 0)] })));
    expect(d.borrower).toMatchObject({ kind: "preempt", by: "urgent" });
    expect(d.urgent).toMatchObject({ kind: "wait" });
    expect(d.small).toMatchObject({ kind: "wait" });
  });

  it("within a queue only lower priority is preempted, newest first; equal priority waits", () => {
    const admitted = [running("old-low", "vision", 2, 0, { admittedAt: NOW - 100_000 }), running("new-low", "vision", 2, 0, { admittedAt: NOW - 10_000 })];
    const d = byRun(admitQueuedRuns(snap({ queues: [queue("vision", 4, null)], admitted, pending: [queued("high", "vision", 2, 5)] })));
    expect(d["new-low"]).toMatchObject({ kind: "preempt", by: "high", reason: "preempted by a priority-5 job of queue vision (its priority is 0)" });
    expect(d["old-low"]).toBeUndefined();
    const same = byRun(admitQueuedRuns(snap({ queues: [queue("vision", 4, null)], admitted, pending: [queued("peer", "vision", 2, 0)] })));
    expect(same.peer).toMatchObject({ kind: "wait" });
  });

  it("a job inside its minimum runtime is never preempted", () => {
    const d = byRun(admitQueuedRuns(snap({ queues: [queue("vision", 4, null)], admitted: [running("fresh", "vision", 4, 0, { protectedUntil: NOW + 60_000 })], pending: [queued("high", "vision", 2, 9)] })));
    expect(d.fresh).toBeUndefined();
    expect(d.high).toMatchObject({ kind: "wait" });
  });

  it("respects the pool's size, GPU types and jobs without GPUs", () => {
    const small = { ...pool, gpus: 4 };
    const d = byRun(admitQueuedRuns(snap({ pools: [small], queues: [queue("vision", 8, null)], admitted: [running("r", "vision", 3)], pending: [queued("two", "vision", 2), queued("cpu", "vision", 0), queued("h100", "vision", 1, 0, "H100")] })));
    expect(d.two).toMatchObject({ kind: "wait", reason: "pool a100 is full: 3/4 GPUs in use" });
    expect(d.cpu).toMatchObject({ kind: "admit", poolId: null });
    expect(d.h100).toMatchObject({ kind: "wait", reason: "queue vision has no quota in a pool of H100 where this job runs" });
  });

  it("matches pools to where the job runs; a blocked job keeps its place with its reason", () => {
    const pools = [{ ...pool, id: "ray", name: "ray-a100", target: "cluster:ray" }, { ...pool, id: "local", name: "local", target: "executor:local" }];
    const q = { id: "vision", name: "vision", cohort: null, quotas: [{ poolId: "ray", nominal: 8, borrowingLimit: null }, { poolId: "local", nominal: 8, borrowingLimit: null }] };
    const d = byRun(admitQueuedRuns(snap({ pools, queues: [q], pending: [
      { ...queued("here", "vision", 2), target: "executor:local" },
      { ...queued("broke", "vision", 2), blockedBy: "the budget is spent" },
      { ...queued("there", "vision", 2), target: "cluster:ray" },
    ] })));
    expect(d.here).toMatchObject({ kind: "admit", poolId: "local" });
    expect(d.there).toMatchObject({ kind: "admit", poolId: "ray" });
    expect(d.broke).toEqual({ kind: "wait", runId: "broke", position: 1, reason: "the budget is spent" });
  });

  it("a job already asked to stop is counted on first and not asked twice", () => {
    const admitted = [running("stopping", "vision", 6, 0, { preempting: true }), running("other", "vision", 2, 0)];
    const d = admitQueuedRuns(snap({ admitted, pending: [queued("urgent", "nlp", 4, 100)] }));
    expect(d).toEqual([{ kind: "wait", runId: "urgent", position: 1, reason: "preempting 1 job in pool a100; starts when they have stopped" }]);
  });

  it("weights share what the cohort lends: of two borrowing queues, the one borrowing least for its weight goes first", () => {
    const run = (heavyWeight: number) => {
      const queues = [queue("idle", 6), { ...queue("light", 2), weight: 1 }, { ...queue("heavy", 2), weight: heavyWeight }];
      const pending = [1, 2, 3, 4].map((i) => queued(`l${i}`, "light", 2)).concat([1, 2, 3, 4].map((i) => queued(`h${i}`, "heavy", 2)));
      return admitQueuedRuns(snap({ pools: [{ ...pool, gpus: 10 }], queues, pending })).filter((x) => x.kind === "admit").map((x) => x.runId);
    };
    // Both borrow 2 GPUs, 2 are left: with weight 3, heavy's share (2/3) is below light's (2/1).
    expect(run(3)).toEqual(["l1", "h1", "l2", "h2", "h3"]);
    // Equal weights, equal shares: the older job.
    expect(run(1)).toEqual(["l1", "h1", "l2", "h2", "l3"]);
  });

  it("a preempted borrower does not take back the GPUs its preemptor reclaimed: jobs within their quota go first", () => {
    // The borrower (6 of research's 4) was preempted by prod's job and is queued again, older and
    // of the same priority: prod's job, within its nominal quota, is admitted; the borrower waits.
    const d = byRun(admitQueuedRuns(snap({ pending: [queued("borrower", "vision", 6), queued("reclaimer", "nlp", 4)] })));
    expect(d.reclaimer).toMatchObject({ kind: "admit", borrowing: false });
    expect(d.borrower).toMatchObject({ kind: "wait" });
  });

  it("two preemptors in one pass do not count on the same victim", () => {
    const admitted = [running("victim", "vision", 4, 0)];
    const d = byRun(admitQueuedRuns(snap({ pools: [{ ...pool, gpus: 4 }], queues: [queue("vision", 4, null)], admitted, pending: [queued("a", "vision", 4, 5), queued("b", "vision", 4, 5)] })));
    expect(d.victim).toMatchObject({ kind: "preempt", by: "a" });
    expect(d.a).toMatchObject({ kind: "wait", reason: expect.stringContaining("preempting 1 job") });
    expect(d.b).toMatchObject({ kind: "wait", reason: expect.stringContaining("quota for pool a100 exhausted") });
  });

  it("never over-commits: across a random workload, usage stays within every pool and every cohort", () => {
    let rnd = 7;
    const r = () => ((rnd = (rnd * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const queues = Array.from({ length: 10 }, (_, i) => queue(`q${i}`, 2 + (i % 3), i < 5 ? "a" : "b", i % 2 ? 2 : null));
    const pending = Array.from({ length: 300 }, (_, i) => queued(`p${i}`, `q${Math.floor(r() * 10)}`, 1 + Math.floor(r() * 3), Math.floor(r() * 3)));
    const d = admitQueuedRuns(snap({ pools: [{ ...pool, gpus: 24 }], queues, pending }));
    const admitted = d.filter((x) => x.kind === "admit").map((x) => pending.find((p) => p.runId === x.runId)!);
    // One decision per job, and nothing admitted in a pass is preempted in the same pass.
    expect(new Set(d.map((x) => x.runId)).size).toBe(d.length);
    expect(admitted.reduce((n, j) => n + j.gpus, 0)).toBeLessThanOrEqual(24);
    for (const cohort of ["a", "b"]) {
      const members = queues.filter((q) => q.cohort === cohort);
      const use = admitted.filter((j) => members.some((m) => m.id === j.queueId)).reduce((n, j) => n + j.gpus, 0);
      expect(use).toBeLessThanOrEqual(members.reduce((n, m) => n + m.quotas[0].nominal, 0));
    }
    expect(d.filter((x) => x.kind === "wait").length + admitted.length).toBe(300);
  });
});
