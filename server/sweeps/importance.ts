import { encode } from "./search-space";
import type { CreateSweepInput } from "./sweep-input";
import type { Trial } from "./trials";

/** Ranks (average ranks for ties), 1-based. */
function ranks(xs: number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) out[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/** Spearman's ρ: Pearson's correlation of the ranks; 0 when either side is constant. */
export function spearman(xs: number[], ys: number[]): number {
  const rx = ranks(xs), ry = ranks(ys);
  const n = xs.length;
  const mx = rx.reduce((a, b) => a + b, 0) / n, my = ry.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) { sxy += (rx[i] - mx) * (ry[i] - my); sxx += (rx[i] - mx) ** 2; syy += (ry[i] - my) ** 2; }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}

/**
 * How much each parameter goes with the first objective: |Spearman ρ| between the parameter (its
 * position in the space; choices by index) and the objective over finished trials, as shares of
 * the total. A monotone measure, as W&B's "correlation" column; it misses non-monotone effects,
 * which the parallel-coordinates plot shows. Empty below 5 finished trials.
 */
export function paramImportance(trials: Trial[], spec: Pick<CreateSweepInput, "space" | "objectives">): Array<{ name: string; correlation: number; importance: number }> {
  const done = trials.filter((t) => t.status === "SUCCEEDED" && t.objectives[0] !== null);
  if (done.length < 5) return [];
  const y = done.map((t) => t.objectives[0]!);
  const rows = spec.space.map((p) => {
    const x = done.map((t) => encode(p, t.params[p.name]));
    return { name: p.name, correlation: spearman(x, y) };
  });
  const total = rows.reduce((s, r) => s + Math.abs(r.correlation), 0);
  return rows.map((r) => ({ ...r, importance: total === 0 ? 0 : Math.abs(r.correlation) / total })).sort((a, b) => b.importance - a.importance);
}
