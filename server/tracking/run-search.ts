import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { ValidationError } from "@/server/errors";
import { pgArray } from "./metrics";
import { FilterError, parseFilter, parseOrderBy, type Clause, type OrderTerm } from "./run-filter";

/** MLflow's run status names, as our lifecycle's. */
export const MLFLOW_STATUS: Record<string, string> = { FINISHED: "SUCCEEDED", KILLED: "CANCELLED", SCHEDULED: "QUEUED" };
export const toMlflowStatus = (s: string) => ({ SUCCEEDED: "FINISHED", CANCELLED: "KILLED", QUEUED: "SCHEDULED", STARTING: "SCHEDULED", CRASHED: "FAILED" } as Record<string, string>)[s] ?? s;

export interface RunSearch {
  orgId: string;
  experimentIds?: string[];
  projectId?: string;
  filter?: string;
  orderBy?: string[];
  view?: "active" | "deleted" | "all";
  limit: number;
  offset?: number;
}

export interface RunRow {
  id: string; name: string; status: string; executor: string; experimentId: string; projectId: string;
  createdAt: Date; startedAt: Date | null; finishedAt: Date | null; deletedAt: Date | null; createdByEmail: string | null;
}

/**
 * Runs matching a filter, ordered and paged in SQL: metric conditions read the per-key summaries,
 * params and tags their own tables, each as an indexed EXISTS — no wide join of everything.
 */
export async function searchRuns(db: DbOrTx, q: RunSearch): Promise<{ runs: RunRow[]; nextOffset: number | null }> {
  let clauses: Clause[];
  let order: OrderTerm[];
  try {
    clauses = parseFilter(q.filter ?? "");
    order = (q.orderBy ?? []).map(parseOrderBy);
  } catch (err) {
    if (err instanceof FilterError) throw new ValidationError(`Invalid filter: ${err.message}`);
    throw err;
  }
  const where: SQL[] = [sql`r.org_id = ${q.orgId}::uuid`];
  if (q.experimentIds?.length) where.push(sql`r.experiment_id = any(${`{${q.experimentIds.join(",")}}`}::uuid[])`);
  if (q.projectId) where.push(sql`r.project_id = ${q.projectId}::uuid`);
  if ((q.view ?? "active") === "active") where.push(sql`r.deleted_at is null`);
  if (q.view === "deleted") where.push(sql`r.deleted_at is not null`);
  for (const c of clauses) where.push(clauseSql(c));
  const orderSql = [...order.map(orderSqlFor), sql`coalesce(r.started_at, r.created_at) desc`, sql`r.seq desc`];
  const offset = q.offset ?? 0;
  const rows = await db.execute(sql`
    select r.id, r.name, r.status, r.executor, r.experiment_id, r.project_id, r.created_at, r.started_at, r.finished_at, r.deleted_at, u.email
    from runs r left join users u on u.id = r.created_by
    where ${sql.join(where, sql` and `)}
    order by ${sql.join(orderSql, sql`, `)}
    limit ${q.limit + 1} offset ${offset}`) as unknown as Array<Record<string, string | null>>;
  const runs = rows.slice(0, q.limit).map((r) => ({
    id: r.id!, name: r.name!, status: r.status!, executor: r.executor!, experimentId: r.experiment_id!, projectId: r.project_id!,
    createdAt: new Date(r.created_at!), startedAt: r.started_at ? new Date(r.started_at) : null, finishedAt: r.finished_at ? new Date(r.finished_at) : null,
    deletedAt: r.deleted_at ? new Date(r.deleted_at) : null, createdByEmail: r.email,
  }));
  return { runs, nextOffset: rows.length > q.limit ? offset + q.limit : null };
}

const SQL_OPS: Record<string, SQL> = {
  "=": sql.raw("="), "!=": sql.raw("<>"), "<": sql.raw("<"), "<=": sql.raw("<="), ">": sql.raw(">"), ">=": sql.raw(">="), LIKE: sql.raw("like"), ILIKE: sql.raw("ilike"),
};

function clauseSql(c: Clause): SQL {
  const op = SQL_OPS[c.op];
  switch (c.entity) {
    case "metric":
      return sql`exists (select 1 from run_metric_summaries s where s.run_id = r.id and s.key = ${c.key} and s.last_value ${op} ${c.value}::float8)`;
    case "param":
      return sql`exists (select 1 from run_params p where p.run_id = r.id and p.key = ${c.key} and p.value ${op} ${c.value})`;
    case "tag":
      return sql`exists (select 1 from run_tags t where t.run_id = r.id and t.key = ${c.key} and t.value ${op} ${c.value})`;
    case "attribute":
      return attributeSql(c, op);
  }
}

function attributeSql(c: Clause, op: SQL): SQL {
  if (c.key === "status") {
    const statuses = (Array.isArray(c.value) ? c.value : [String(c.value)]).map((s) => MLFLOW_STATUS[s.toUpperCase()] ?? s.toUpperCase());
    if (c.op === "IN" || c.op === "NOT IN") return sql`r.status ${sql.raw(c.op === "IN" ? "" : "not")} in ${statuses}`;
    return sql`r.status ${op} ${statuses[0]}`;
  }
  if (c.key === "run_id") {
    const ids = Array.isArray(c.value) ? c.value : [String(c.value)];
    return sql`r.id::text ${sql.raw(c.op === "!=" || c.op === "NOT IN" ? "not" : "")} in ${ids}`;
  }
  if (c.key === "run_name") return sql`r.name ${op} ${c.value}`;
  const column = c.key === "end_time" ? sql`r.finished_at` : c.key === "created" ? sql`r.created_at` : sql`coalesce(r.started_at, r.created_at)`;
  return sql`extract(epoch from ${column}) * 1000 ${op} ${c.value}::float8`;
}

function orderSqlFor(o: OrderTerm): SQL {
  const dir = sql.raw(o.descending ? "desc nulls last" : "asc nulls last");
  switch (o.entity) {
    case "metric": return sql`(select s.last_value from run_metric_summaries s where s.run_id = r.id and s.key = ${o.key}) ${dir}`;
    case "param": return sql`(select p.value from run_params p where p.run_id = r.id and p.key = ${o.key}) ${dir}`;
    case "tag": return sql`(select t.value from run_tags t where t.run_id = r.id and t.key = ${o.key}) ${dir}`;
    case "attribute": {
      const column = { status: "r.status", run_name: "r.name", run_id: "r.id", start_time: "coalesce(r.started_at, r.created_at)", end_time: "r.finished_at", created: "r.created_at" }[o.key];
      return sql`${sql.raw(column ?? "r.created_at")} ${dir}`;
    }
  }
}

/** Params, tags and metric summaries of a page of runs, optionally only the chosen keys. */
export async function runColumns(db: DbOrTx, orgId: string, runIds: string[], keys?: { params?: string[]; metrics?: string[]; tags?: string[] }) {
  if (runIds.length === 0) return { params: [], tags: [], metrics: [] };
  const ids = `{${runIds.join(",")}}`;
  const only = (col: string, list?: string[]) => (list ? sql`and ${sql.raw(col)} = any(${pgArray(list)}::text[])` : sql``);
  const [params, tags, metrics] = await Promise.all([
    db.execute(sql`select run_id, key, value from run_params where org_id = ${orgId}::uuid and run_id = any(${ids}::uuid[]) ${only("key", keys?.params)}`),
    db.execute(sql`select run_id, key, value from run_tags where org_id = ${orgId}::uuid and run_id = any(${ids}::uuid[]) ${only("key", keys?.tags)}`),
    db.execute(sql`select run_id, key, last_value::text as value, last_step as step, extract(epoch from last_ts) * 1000 as ts, vmin, vmax from run_metric_summaries
      where org_id = ${orgId}::uuid and run_id = any(${ids}::uuid[]) ${only("key", keys?.metrics)}`),
  ]);
  return {
    params: params as unknown as Array<{ run_id: string; key: string; value: string }>,
    tags: tags as unknown as Array<{ run_id: string; key: string; value: string }>,
    metrics: metrics as unknown as Array<{ run_id: string; key: string; value: string; step: string; ts: string; vmin: number | null; vmax: number | null }>,
  };
}

/** Every param, tag and metric key used in the runs of an org (or some experiments): the column picker. */
export async function runKeys(db: DbOrTx, orgId: string, experimentIds?: string[]) {
  const scope = experimentIds?.length ? sql`and run_id in (select id from runs where org_id = ${orgId}::uuid and experiment_id = any(${`{${experimentIds.join(",")}}`}::uuid[]))` : sql``;
  const [params, metrics, tags] = await Promise.all([
    db.execute(sql`select distinct key from run_params where org_id = ${orgId}::uuid ${scope} order by key limit 2000`),
    db.execute(sql`select distinct key from run_metric_summaries where org_id = ${orgId}::uuid ${scope} order by key limit 2000`),
    db.execute(sql`select distinct key from run_tags where org_id = ${orgId}::uuid ${scope} order by key limit 2000`),
  ]);
  const keys = (rows: unknown) => (rows as Array<{ key: string }>).map((r) => r.key);
  return { params: keys(params), metrics: keys(metrics), tags: keys(tags) };
}
