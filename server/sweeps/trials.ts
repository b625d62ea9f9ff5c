import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { metrics, runs, runTags } from "@/server/db/schema";
import { isTerminal, type RunStatus } from "@/server/runner/run-lifecycle";
import { metricSummaries } from "@/server/tracking/metrics";
import type { Observation } from "./algorithms";
import type { Params } from "./search-space";
import type { CreateSweepInput } from "./sweep-input";

export interface Trial {
  id: string;
  number: number;
  name: string;
  status: RunStatus;
  statusMessage: string | null;
  /** The swept parameters' values. */
  params: Params;
  /** Each objective's metric, its last value; null until logged. */
  objectives: Array<number | null>;
  stoppedEarly: boolean;
}

export const EARLY_STOP_TAG = "sweep.stopped_early";

/** The sweep's trials in the order they were submitted, with their objectives' last values. */
export async function loadTrials(db: DbOrTx, sweep: { id: string; orgId: string }, spec: Pick<CreateSweepInput, "space" | "objectives">): Promise<Trial[]> {
  const rows = await db.select({ id: runs.id, name: runs.name, status: runs.status, statusMessage: runs.statusMessage, executorSpec: runs.executorSpec })
    .from(runs).where(and(eq(runs.orgId, sweep.orgId), eq(runs.sweepId, sweep.id))).orderBy(asc(runs.seq));
  const ids = rows.map((r) => r.id);
  const keys = spec.objectives.map((o) => o.metric);
  const [summaries, tags] = await Promise.all([
    metricSummaries(db, sweep.orgId, ids, keys),
    ids.length === 0 ? [] : db.select({ runId: runTags.runId }).from(runTags).where(and(inArray(runTags.runId, ids), eq(runTags.key, EARLY_STOP_TAG))),
  ]);
  const last = new Map(summaries.map((s) => [`${s.runId}\u0000${s.key}`, s.last]));
  const stopped = new Set(tags.map((t) => t.runId));
  return rows.map((r, i) => {
    const all = ((r.executorSpec as { params?: Params }).params ?? {});
    return {
      id: r.id, number: i + 1, name: r.name, status: r.status as RunStatus, statusMessage: r.statusMessage,
      params: Object.fromEntries(spec.space.map((p) => [p.name, all[p.name]])),
      objectives: keys.map((k) => {
        const v = last.get(`${r.id}\u0000${k}`);
        return typeof v === "number" && Number.isFinite(v) ? v : null;
      }),
      stoppedEarly: stopped.has(r.id),
    };
  });
}

/**
 * Finished trials with every objective, as the algorithms want them: lower is better. With one
 * objective, trials the median rule stopped count too, with their last value (as Optuna counts
 * pruned trials): the search learns where not to look.
 */
export function observations(trials: Trial[], spec: Pick<CreateSweepInput, "objectives">): Observation[] {
  const informative = (t: Trial) => t.status === "SUCCEEDED" || (t.stoppedEarly && spec.objectives.length === 1);
  return trials
    .filter((t) => informative(t) && t.objectives.every((v) => v !== null))
    .map((t) => ({ params: t.params, values: t.objectives.map((v, i) => (spec.objectives[i].goal === "maximize" ? -v! : v!)) }));
}

/** The best finished trial on the first objective (null before any finished with it). */
export function bestTrial(trials: Trial[], spec: Pick<CreateSweepInput, "objectives">): Trial | null {
  const sign = spec.objectives[0].goal === "maximize" ? -1 : 1;
  let best: Trial | null = null;
  for (const t of trials) {
    if (t.status !== "SUCCEEDED" || t.objectives[0] === null) continue;
    if (!best || sign * t.objectives[0] < sign * best.objectives[0]!) best = t;
  }
  return best;
}

export const activeTrials = (trials: Trial[]) => trials.filter((t) => !isTerminal(t.status));

/** Every trial's series of one metric (step, value), for the median stopping rule. */
export async function trialSeries(db: DbOrTx, orgId: string, runIds: string[], key: string): Promise<Map<string, Array<[number, number]>>> {
  const out = new Map<string, Array<[number, number]>>(runIds.map((id) => [id, []]));
  if (runIds.length === 0) return out;
  const rows = await db.select({ runId: metrics.runId, step: metrics.step, value: metrics.value }).from(metrics)
    // The current attempt only (a retried trial starts over), and no NaN.
    .where(and(eq(metrics.orgId, orgId), inArray(metrics.runId, runIds), eq(metrics.key, key), sql`${metrics.value} = ${metrics.value}`,
      sql`${metrics.attempt} = (select r.attempt from ${runs} r where r.id = ${metrics.runId})`))
    .orderBy(asc(metrics.runId), asc(metrics.step));
  for (const r of rows) out.get(r.runId)!.push([r.step, r.value]);
  return out;
}
