import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { money } from "@/lib/format-money";

/**
 * GPU-hours and cost, from the allocation ledger: every attempt's GPUs × the time it held them ×
 * the pool's price when it was admitted. Open allocations count up to now.
 */

export interface BudgetStatus { limit: number; spent: number; fraction: number; state: "ok" | "warn" | "spent"; month: string }

/** The budget warns from here, as cloud budgets do by default. */
export const WARN_AT = 0.8;

const monthStart = sql`date_trunc('month', now() at time zone 'utc') at time zone 'utc'`;
const heldHours = (from: ReturnType<typeof sql>) =>
  sql`greatest(0, extract(epoch from (coalesce(a.ended_at, now()) - greatest(a.started_at, ${from}))) / 3600.0)`;

/** This calendar month's spend (UTC) and limit, for organizations with a budget. */
export async function budgetsOf(db: DbOrTx, orgIds: string[]): Promise<Map<string, BudgetStatus>> {
  if (orgIds.length === 0) return new Map();
  const rows = (await db.execute(sql`
    select b.org_id, b.monthly_limit,
      coalesce((select sum(a.gpus * a.cost_per_gpu_hour * ${heldHours(monthStart)}) from gpu_allocations a
        where a.org_id = b.org_id and coalesce(a.ended_at, now()) > ${monthStart}), 0)::float8 as spent,
      to_char(now() at time zone 'utc', 'FMMonth YYYY') as month
    from org_budgets b where b.org_id in ${orgIds}`)) as unknown as Array<{ org_id: string; monthly_limit: number; spent: number; month: string }>;
  return new Map(rows.map((r) => {
    const fraction = r.monthly_limit > 0 ? r.spent / r.monthly_limit : 1;
    return [r.org_id, { limit: r.monthly_limit, spent: r.spent, fraction, month: r.month, state: fraction >= 1 ? "spent" : fraction >= WARN_AT ? "warn" : "ok" }];
  }));
}

export async function budgetOf(db: DbOrTx, orgId: string): Promise<BudgetStatus | null> {
  return (await budgetsOf(db, [orgId])).get(orgId) ?? null;
}

export function budgetSentence(b: BudgetStatus): string {
  return `the organization's budget for ${b.month} is spent (${money(b.spent)} of ${money(b.limit)}); an admin can raise it in Settings → GPU pools & budget`;
}

export interface CostReport {
  days: Array<{ day: string; gpuHours: number; cost: number }>;
  /** A purged run or project keeps its spend here, with a null id. */
  projects: Array<{ projectId: string | null; project: string; gpuHours: number; cost: number }>;
  runs: Array<{ runId: string | null; name: string; project: string; status: string; gpuHours: number; cost: number }>;
  total: { gpuHours: number; cost: number };
}

/** GPU-hours and cost per day, project and run over the last `days` days (UTC days). */
export async function costReport(db: DbOrTx, orgId: string, days: number): Promise<CostReport> {
  const from = sql`(date_trunc('day', now() at time zone 'utc') at time zone 'utc') - make_interval(days => ${days - 1})`;
  const series = (await db.execute(sql`
    select to_char(d at time zone 'utc', 'YYYY-MM-DD') as day,
      coalesce(sum(a.gpus * greatest(0, extract(epoch from (least(coalesce(a.ended_at, now()), d + interval '1 day') - greatest(a.started_at, d))) / 3600.0)), 0)::float8 as gpu_hours,
      coalesce(sum(a.gpus * a.cost_per_gpu_hour * greatest(0, extract(epoch from (least(coalesce(a.ended_at, now()), d + interval '1 day') - greatest(a.started_at, d))) / 3600.0)), 0)::float8 as cost
    from generate_series(${from}, now(), interval '1 day') d
    left join gpu_allocations a on a.org_id = ${orgId}::uuid and a.started_at < d + interval '1 day' and coalesce(a.ended_at, now()) > d
    group by d order by d`)) as unknown as Array<{ day: string; gpu_hours: number; cost: number }>;
  const perRun = (await db.execute(sql`
    select a.run_id as id, coalesce(r.name, '(a purged job)') as name, coalesce(r.status, 'PURGED') as status,
      a.project_id, coalesce(p.name, '(a purged project)') as project,
      sum(a.gpus * ${heldHours(from)})::float8 as gpu_hours, sum(a.gpus * a.cost_per_gpu_hour * ${heldHours(from)})::float8 as cost
    from gpu_allocations a left join runs r on r.id = a.run_id left join projects p on p.id = a.project_id
    where a.org_id = ${orgId}::uuid and coalesce(a.ended_at, now()) > ${from}
    group by a.run_id, r.id, a.project_id, p.id order by cost desc, gpu_hours desc`)) as unknown as Array<{ id: string | null; name: string; status: string; project_id: string | null; project: string; gpu_hours: number; cost: number }>;
  const projects = new Map<string | null, CostReport["projects"][number]>();
  for (const r of perRun) {
    const p = projects.get(r.project_id) ?? { projectId: r.project_id, project: r.project, gpuHours: 0, cost: 0 };
    p.gpuHours += r.gpu_hours;
    p.cost += r.cost;
    projects.set(r.project_id, p);
  }
  return {
    days: series.map((d) => ({ day: d.day, gpuHours: d.gpu_hours, cost: d.cost })),
    projects: [...projects.values()].sort((a, b) => b.cost - a.cost),
    runs: perRun.slice(0, 100).map((r) => ({ runId: r.id, name: r.name, project: r.project, status: r.status, gpuHours: r.gpu_hours, cost: r.cost })),
    total: { gpuHours: perRun.reduce((n, r) => n + r.gpu_hours, 0), cost: perRun.reduce((n, r) => n + r.cost, 0) },
  };
}

/** One run's GPU-hours and cost over all its attempts. */
export async function runCost(db: DbOrTx, orgId: string, runId: string): Promise<{ gpuHours: number; cost: number } | null> {
  const [row] = (await db.execute(sql`
    select count(*)::int as n, coalesce(sum(a.gpus * ${heldHours(sql`a.started_at`)}), 0)::float8 as gpu_hours,
      coalesce(sum(a.gpus * a.cost_per_gpu_hour * ${heldHours(sql`a.started_at`)}), 0)::float8 as cost
    from gpu_allocations a where a.org_id = ${orgId}::uuid and a.run_id = ${runId}::uuid`)) as unknown as Array<{ n: number; gpu_hours: number; cost: number }>;
  return row.n === 0 ? null : { gpuHours: row.gpu_hours, cost: row.cost };
}
