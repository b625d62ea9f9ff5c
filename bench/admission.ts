import { admitQueuedRuns, type AdmittedJob, type PendingJob, type Snapshot } from "@/server/scheduling/admission";
import { median, report } from "./load";

/** 10,000 queued jobs in 100 queues (4 cohorts) over 4 pools, with the pools half full. */
function workload(): Snapshot {
  let seed = 42;
  const r = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pools = ["a100", "h100", "l4", "t4"].map((id) => ({ id, name: id, gpuType: id.toUpperCase(), gpus: 256 }));
  const queues = Array.from({ length: 100 }, (_, i) => ({
    id: `q${i}`, name: `q${i}`, cohort: `c${i % 4}`,
    quotas: pools.map((p) => ({ poolId: p.id, nominal: 2 + (i % 4), borrowingLimit: i % 2 ? 4 : null })),
  }));
  const admitted: AdmittedJob[] = Array.from({ length: 400 }, (_, i) => ({
    runId: `a${i}`, name: `a${i}`, queueId: `q${i % 100}`, poolId: pools[i % 4].id, gpus: 1, priority: Math.floor(r() * 3), admittedAt: 0, protectedUntil: 0,
  }));
  const pending: PendingJob[] = Array.from({ length: 10_000 }, (_, i) => ({
    runId: `p${i}`, queueId: `q${Math.floor(r() * 100)}`, gpus: 1 + Math.floor(r() * 4), gpuType: r() < 0.5 ? null : pools[Math.floor(r() * 4)].gpuType, priority: Math.floor(r() * 5), seq: i,
  }));
  return { now: 1, pools, queues, admitted, pending };
}

/** Decisions per second of the pure admission function, against a pass that only orders the queue. */
export async function benchAdmission() {
  const snap = workload();
  const time = (fn: () => unknown) => {
    fn();
    const t: number[] = [];
    for (let i = 0; i < 5; i++) { const s = performance.now(); fn(); t.push(performance.now() - s); }
    return median(t);
  };
  let decisions = 0;
  const full = time(() => { decisions = admitQueuedRuns(snap).length; });
  const ordering = time(() => [...snap.pending].sort((a, b) => b.priority - a.priority || a.seq - b.seq).map((j) => ({ kind: "wait", runId: j.runId })));
  const perSecond = decisions / (full / 1000);
  report("Admission, 10,000 queued jobs in 100 queues over 4 pools (pure function)", `${Math.round(perSecond).toLocaleString("en")} decisions/s (${full.toFixed(1)} ms)`,
    `ordering them only ${ordering.toFixed(1)} ms`, full / ordering, "≥ 50,000 decisions/s", perSecond >= 50_000);
}
