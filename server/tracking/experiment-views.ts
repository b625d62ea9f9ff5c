import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { packSeries } from "@/lib/packed-series";
import { queryMetricCharts } from "./metric-charts";
import { getExperiment } from "./projects";
import { runColumns, runKeys, searchRuns } from "./run-search";

/** Projects and their experiments with run counts and last activity: the experiments home. */
export async function experimentsOverview(db: DbOrTx, orgId: string) {
  const rows = await db.execute(sql`
    select p.id as project_id, p.name as project_name, p.slug, e.id, e.name, e.description, e.created_at,
           count(r.id) filter (where r.deleted_at is null)::int as runs,
           count(r.id) filter (where r.deleted_at is null and r.status in ('RUNNING', 'STARTING', 'QUEUED'))::int as active,
           max(coalesce(r.finished_at, r.started_at, r.created_at)) as last_activity
    from projects p join experiments e on e.project_id = p.id and e.deleted_at is null
    left join runs r on r.experiment_id = e.id
    where p.org_id = ${orgId}::uuid
    group by p.id, e.id order by p.name, max(coalesce(r.finished_at, r.started_at, r.created_at)) desc nulls last, e.name`) as unknown as Array<{
      project_id: string; project_name: string; slug: string; id: string; name: string; description: string; created_at: string; runs: number; active: number; last_activity: string | null;
    }>;
  const projects = new Map<string, { id: string; name: string; slug: string; experiments: Array<{ id: string; name: string; runs: number; active: number; lastActivity: Date | null }> }>();
  for (const r of rows) {
    const p = projects.get(r.project_id) ?? { id: r.project_id, name: r.project_name, slug: r.slug, experiments: [] };
    p.experiments.push({ id: r.id, name: r.name, runs: r.runs, active: r.active, lastActivity: r.last_activity ? new Date(r.last_activity) : null });
    projects.set(r.project_id, p);
  }
  return [...projects.values()];
}

export interface RunsTableQuery { experimentId: string; view?: "active" | "deleted"; filter?: string; orderBy?: string; columns: string[]; page: number; pageSize: number }

/**
 * One page of an experiment's runs with only the chosen columns (`params.lr`, `metrics.loss`,
 * `tags.team`): wide experiments stay fast because nothing else is read.
 */
export async function experimentRunsTable(db: DbOrTx, orgId: string, q: RunsTableQuery) {
  const experiment = await getExperiment(db, orgId, q.experimentId);
  const found = await searchRuns(db, {
    orgId, experimentIds: [experiment.id], view: q.view, filter: q.filter, orderBy: q.orderBy ? [q.orderBy] : [], limit: q.pageSize, offset: q.page * q.pageSize,
  });
  const pick = (prefix: string) => q.columns.filter((c) => c.startsWith(prefix)).map((c) => c.slice(prefix.length));
  const cols = await runColumns(db, orgId, found.runs.map((r) => r.id), { params: pick("params."), metrics: pick("metrics."), tags: pick("tags.") });
  const cell = new Map<string, string | number | null>();
  for (const p of cols.params) cell.set(`${p.run_id} params.${p.key}`, p.value);
  for (const t of cols.tags) cell.set(`${t.run_id} tags.${t.key}`, t.value);
  for (const m of cols.metrics) cell.set(`${m.run_id} metrics.${m.key}`, Number.isFinite(Number(m.value)) ? Number(m.value) : m.value);
  return {
    experiment: { id: experiment.id, name: experiment.name, projectId: experiment.projectId },
    keys: await runKeys(db, orgId, [experiment.id]),
    rows: found.runs.map((r) => ({ ...r, cells: Object.fromEntries(q.columns.map((c) => [c, cell.get(`${r.id} ${c}`) ?? null])) })),
    hasMore: found.nextOffset !== null,
  };
}

/** Runs side by side: params and final metrics, for the diff table and the param/metric plots. */
export async function compareRuns(db: DbOrTx, orgId: string, runIds: string[]) {
  const runs = await runsById(db, orgId, runIds);
  const cols = await runColumns(db, orgId, runs.map((r) => r.id));
  return { runs, params: cols.params, metrics: cols.metrics.map((m) => ({ ...m, value: Number(m.value) })) };
}

/**
 * The compared runs' series, fetched by the browser apart from the page so the table shows at
 * once. Many runs overlaid get fewer buckets each: a chart holds about 12,000 points in all.
 */
export async function compareSeries(db: DbOrTx, orgId: string, runIds: string[]) {
  const ids = (await runsById(db, orgId, runIds)).map((r) => r.id);
  const buckets = Math.max(60, Math.min(300, Math.floor(12_000 / Math.max(1, ids.length))));
  return packSeries(ids.length ? await queryMetricCharts(db, orgId, { runIds: ids, buckets }) : []);
}

/** The given runs of the org, deleted ones included (a shared compare link keeps working). */
async function runsById(db: DbOrTx, orgId: string, runIds: string[]) {
  return (await searchRuns(db, { orgId, filter: `run_id IN (${runIds.map((id) => `'${id}'`).join(", ")})`, view: "all", limit: runIds.length })).runs;
}
