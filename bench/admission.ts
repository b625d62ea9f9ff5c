import { createDb } from "@/server/db/client";
import { admitQueuedRuns, type AdmittedJob, type PendingJob, type Snapshot } from "@/server/scheduling/admission";
import { admissionPass } from "@/server/scheduling/admission-pass";
import { median, report } from "./load";
import type { Stack } from "./stack";

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
export async function benchAdmission(stack: Stack) {
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
  await benchAdmissionOnDatabase(stack);
}

/**
 * The runner's whole admission cycle on PostgreSQL over the same shape: snapshot under the lock,
 * decide, write allocations, positions and reasons. First pass (everything new) and a steady
 * pass (nothing changed), against reading the waiting jobs alone.
 */
async function benchAdmissionOnDatabase(stack: Stack) {
  const { sql } = stack;
  const [{ project_id, experiment_id }] = await sql<Array<{ project_id: string; experiment_id: string }>>`
    select p.id as project_id, e.id as experiment_id from projects p join experiments e on e.project_id = p.id where p.org_id = ${stack.orgId} limit 1`;
  const pools = await sql<Array<{ id: string }>>`insert into gpu_pools (org_id, name, gpu_type, gpus, cost_per_gpu_hour)
    select ${stack.orgId}, t, upper(t), 256, 2 from unnest(array['a100','h100','l4','t4']) t returning id`;
  const queues = await sql<Array<{ id: string }>>`insert into queues (org_id, name, cohort)
    select ${stack.orgId}, 'q' || i, 'c' || (i % 4) from generate_series(0, 99) i returning id`;
  await sql`insert into queue_quotas (queue_id, pool_id, org_id, nominal, borrowing_limit)
    select q.id, p.id, ${stack.orgId}, 2 + (row_number() over () % 4), case when random() < 0.5 then 4 end
    from unnest(${sql.array(queues.map((q) => q.id))}::uuid[]) q(id) cross join unnest(${sql.array(pools.map((p) => p.id))}::uuid[]) p(id)`;
  await sql`insert into runs (org_id, project_id, experiment_id, name, status, executor, queue_id, gpus, priority, next_check_at, version)
    select ${stack.orgId}, ${project_id}, ${experiment_id}, 'queued-' || i, 'QUEUED', 'local',
      (${sql.array(queues.map((q) => q.id))}::uuid[])[1 + (i % 100)], 1 + (i % 4), i % 5, null, 1
    from generate_series(1, 10000) i`;
  // As autovacuum would within its minute: plans from the real sizes, not an empty table's.
  await sql`analyze runs`;
  await sql`analyze gpu_allocations`;
  const db = createDb(stack.dbUrl, 4);
  try {
    const t0 = performance.now();
    const first = await admissionPass(db.db);
    const firstMs = performance.now() - t0;
    // The second pass reclaims what the first lent to borrowers (they are asked to stop; no
    // runner stops them here); from the third on nothing changes.
    await sql`analyze gpu_allocations`;
    const second = await admissionPass(db.db);
    const steady: number[] = [];
    for (let i = 0; i < 5; i++) { const s = performance.now(); await admissionPass(db.db); steady.push(performance.now() - s); }
    const reads: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      await sql`select id, queue_id, gpus, priority, seq from runs where status = 'QUEUED' and queue_id is not null and gpus > 0
        and not exists (select 1 from gpu_allocations a where a.run_id = runs.id and a.ended_at is null)`;
      reads.push(performance.now() - s);
    }
    const steadyMs = median(steady);
    report("Admission cycle on the database, 10,000 queued jobs (first pass)", `${Math.round(firstMs)} ms (${first.admitted} admitted, ${first.waiting} told why they wait)`,
      `reading the waiting jobs ${median(reads).toFixed(0)} ms`, firstMs / median(reads), "report; < 2 s", firstMs < 2000);
    report("Admission cycle on the database, 10,000 queued jobs (nothing changed)", `${Math.round(steadyMs)} ms (the pass before preempted ${second.preempted} borrowers)`,
      `reading the waiting jobs ${median(reads).toFixed(0)} ms`, steadyMs / median(reads), "report; < 1 s", steadyMs < 1000);
  } finally {
    await sql`delete from runs where org_id = ${stack.orgId} and queue_id is not null`;
    await db.sql.end();
  }
}
