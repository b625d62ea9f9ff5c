/** Sweep charts' data, pure (tested): the objective per trial with the best so far, and the Pareto plot. */

export interface TrialLike { number: number; name: string; id: string; status: string; objectives: Array<number | null>; params: Record<string, string | number | boolean> }
export type Goal = "minimize" | "maximize";

export interface ProgressPoint { trial: number; value: number | null; best: number | null; name: string; id: string }

/** One point per trial in submission order; `best` = the best finished value up to that trial. */
export function prepareProgress(trials: TrialLike[], goal: Goal): ProgressPoint[] {
  let best: number | null = null;
  return trials.map((t) => {
    const v = t.status === "SUCCEEDED" ? t.objectives[0] : null;
    if (v !== null && (best === null || (goal === "minimize" ? v < best : v > best))) best = v;
    return { trial: t.number, value: v, best, name: t.name, id: t.id };
  });
}

export interface ParetoPoint { x: number; y: number; name: string; id: string; onFront: boolean }

/** Finished trials with both objectives; `onFront` marks those no other trial beats on both. */
export function preparePareto(trials: TrialLike[], goals: [Goal, Goal]): { points: ParetoPoint[]; front: ParetoPoint[] } {
  const done = trials.filter((t) => t.status === "SUCCEEDED" && t.objectives[0] !== null && t.objectives[1] !== null);
  const sign = goals.map((g) => (g === "minimize" ? 1 : -1));
  const key = (t: TrialLike) => [sign[0] * t.objectives[0]!, sign[1] * t.objectives[1]!];
  const beats = (a: number[], b: number[]) => a[0] <= b[0] && a[1] <= b[1] && (a[0] < b[0] || a[1] < b[1]);
  const points = done.map((t) => ({ x: t.objectives[0]!, y: t.objectives[1]!, name: t.name, id: t.id, onFront: !done.some((o) => o !== t && beats(key(o), key(t))) }));
  const front = points.filter((p) => p.onFront).sort((a, b) => a.x - b.x);
  return { points, front };
}

/** Rows for the parallel-coordinates plot: each trial's params and objectives. */
export function parallelRows(trials: TrialLike[], metrics: string[]) {
  return trials.filter((t) => t.status === "SUCCEEDED").map((t) => ({
    runId: t.id, name: t.name,
    values: {
      ...Object.fromEntries(Object.entries(t.params).map(([k, v]) => [`params.${k}`, typeof v === "boolean" ? String(v) : v])),
      ...Object.fromEntries(metrics.flatMap((m, i) => (t.objectives[i] === null ? [] : [[`metrics.${m}`, t.objectives[i]!]]))),
    },
  }));
}
