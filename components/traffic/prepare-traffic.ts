/** Rollouts, A/B intervals, scaling decisions and drift bins → what the traffic panels draw. Pure. */

export interface RolloutLike { status: string; stepIndex: number; steps: Array<{ weight: number; candidateReplicas?: number }> }

export type StepState = "done" | "current" | "pending" | "rolled back";

/** Each step's state: done before the current one, the current one, pending after (all done when promoted). */
export function rolloutSteps(r: RolloutLike): Array<{ weight: number; state: StepState; label: string }> {
  return r.steps.map((s, i) => {
    const state: StepState = r.status === "PROMOTED" ? "done"
      : r.status === "ROLLED_BACK" ? (i < r.stepIndex ? "done" : i === r.stepIndex ? "rolled back" : "pending")
      : i < r.stepIndex ? "done" : i === r.stepIndex ? "current" : "pending";
    return { weight: s.weight, state, label: s.candidateReplicas !== undefined ? `${s.weight} % · ${s.candidateReplicas} repl.` : `${s.weight} %` };
  });
}

export interface IntervalInput { metric: string; diff: number | null; ci: [number, number] | null; status: string; better: string | null }

const UNIT: Record<string, { label: string; scale: number; unit: string }> = {
  success: { label: "Success rate", scale: 100, unit: " pts" }, thumbs: { label: "Thumbs-up rate", scale: 100, unit: " pts" },
  latency: { label: "Mean latency", scale: 1, unit: " ms" }, ttft: { label: "Mean time to first token", scale: 1, unit: " ms" }, score: { label: "Mean score", scale: 1, unit: "" },
};

/**
 * One row per metric with an interval: the difference (variant − baseline) and its interval in
 * display units, placed on a shared −1…1 axis scaled by the widest bound, so that zero sits in
 * the middle and an interval clear of it reads as significant at a glance.
 */
export function intervalRows(metrics: IntervalInput[]) {
  const rows = metrics.filter((m) => m.diff !== null && m.ci !== null && Number.isFinite(m.ci[0]) && Number.isFinite(m.ci[1])).map((m) => {
    const u = UNIT[m.metric] ?? { label: m.metric, scale: 1, unit: "" };
    return { metric: m.metric, label: u.label, unit: u.unit, diff: m.diff! * u.scale, lo: m.ci![0] * u.scale, hi: m.ci![1] * u.scale, status: m.status, better: m.better };
  });
  return rows.map((r) => {
    const span = Math.max(Math.abs(r.lo), Math.abs(r.hi), Math.abs(r.diff), 1e-9);
    const at = (x: number) => 0.5 + x / span / 2;
    return { ...r, x: { lo: at(r.lo), diff: at(r.diff), hi: at(r.hi) }, clearOfZero: r.lo > 0 || r.hi < 0 };
  });
}

export interface ScalingEventLike { at: Date | string; variant: string; current: number; desired: number; applied: boolean }

/**
 * Replicas over time per variant as a step line: each applied decision adds a point at its time
 * (before it: the old count, so the step shows), plus a point now with the last count.
 */
export function scalingSeries(events: ScalingEventLike[], now: number) {
  const applied = events.filter((e) => e.applied).map((e) => ({ ...e, t: new Date(e.at).getTime() })).sort((a, b) => a.t - b.t);
  const variants = [...new Set(applied.map((e) => e.variant))];
  const points = new Map<number, Record<string, number>>();
  const put = (t: number, v: string, n: number) => points.set(t, { ...(points.get(t) ?? { t }), [v]: n });
  for (const v of variants) {
    const mine = applied.filter((e) => e.variant === v);
    put(mine[0].t - 1, v, mine[0].current);
    for (const e of mine) put(e.t, v, e.desired);
    put(now, v, mine.at(-1)!.desired);
  }
  return { variants, rows: [...points.values()].sort((a, b) => a.t - b.t) };
}

export interface BinLike { lo: number | null; hi: number | null; refShare: number; curShare: number }

const num = (x: number) => (Math.abs(x) >= 100 ? Math.round(x).toString() : Number(x.toPrecision(3)).toString());

/** Drift bins as bars: the bin's range (open ends shown as ≤ / >) and both shares in percent. */
export function driftBars(bins: BinLike[]) {
  return bins.map((b) => ({
    bin: b.lo === null || !Number.isFinite(b.lo) ? `≤ ${num(b.hi!)}` : b.hi === null || !Number.isFinite(b.hi) ? `> ${num(b.lo)}` : `${num(b.lo)}–${num(b.hi)}`,
    reference: Math.round(b.refShare * 1000) / 10, current: Math.round(b.curShare * 1000) / 10,
  }));
}
