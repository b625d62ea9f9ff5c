import { cardinality, decodeAll, encodeAll, gaussian, samplePoint, type Params, type ParamSpec, type Rng } from "./search-space";

/** A finished trial as the algorithms see it: its params and objective values (minimised). */
export interface Observation { params: Params; values: number[] }

export interface SuggestInput {
  space: ParamSpec[];
  /** Finished trials, each objective already turned into "lower is better". */
  done: Observation[];
  /** Params of trials still running (the others may propose near them). */
  pending: Params[];
  /** Params of every trial so far, whatever became of it: grid search never repeats a point. */
  tried?: Params[];
  rng: Rng;
}

/** Random search: independent uniform draws. */
export function suggestRandom({ space, rng }: SuggestInput): Params {
  return samplePoint(space, rng);
}

/** Grid levels of a continuous parameter (the ends and three between). */
const GRID_LEVELS = 5;

/** How many points the grid has, without listing them. */
export function gridSize(space: ParamSpec[]): number {
  return space.reduce((n, p) => n * (p.type === "choice" ? p.values.length : p.type === "int" && cardinality(p) <= GRID_LEVELS ? cardinality(p) : GRID_LEVELS), 1);
}

/** Every point of the grid, in a fixed order. Continuous parameters get GRID_LEVELS levels, ends included. */
export function gridPoints(space: ParamSpec[]): Params[] {
  const axes = space.map((p): Array<string | number | boolean> => {
    if (p.type === "choice") return p.values.slice();
    if (p.type === "int" && cardinality(p) <= GRID_LEVELS) return Array.from({ length: cardinality(p) }, (_, i) => p.low + i);
    const at = (t: number) => p.type === "loguniform" ? Math.exp(Math.log(p.low) + t * (Math.log(p.high) - Math.log(p.low))) : p.low + t * (p.high - p.low);
    const levels = Array.from({ length: GRID_LEVELS }, (_, i) => at(i / (GRID_LEVELS - 1)));
    return p.type === "int" ? [...new Set(levels.map(Math.round))] : levels;
  });
  let points: Params[] = [{}];
  space.forEach((p, i) => { points = points.flatMap((pt) => axes[i].map((v) => ({ ...pt, [p.name]: v }))); });
  return points;
}

/** Grid search: the first grid point not tried yet; null when the grid is exhausted. */
export function suggestGrid({ space, done, pending, tried = [] }: SuggestInput): Params | null {
  const seen = new Set([...done.map((o) => o.params), ...pending, ...tried].map((p) => JSON.stringify(space.map((s) => p[s.name]))));
  return gridPoints(space).find((pt) => !seen.has(JSON.stringify(space.map((s) => pt[s.name])))) ?? null;
}

/**
 * TPE (Bergstra et al., 2011), as Optuna does it: after a few random trials, split the finished
 * ones at the γ-quantile of the objective into good and bad, fit a Parzen estimator to each in
 * the unit cube (a Gaussian per observation, per dimension; a smoothed histogram for discrete
 * ones), draw candidates from the good density and keep the one maximising l(x) / g(x).
 */
export function suggestTpe(input: SuggestInput, opts: { startup?: number; gamma?: number; candidates?: number } = {}): Params {
  const { space, done, rng } = input;
  const startup = opts.startup ?? 10;
  if (done.length < startup) return samplePoint(space, rng);
  const sorted = [...done].sort((a, b) => a.values[0] - b.values[0]);
  // Optuna's default split: the best 10 % (at least 1, at most 25) are "good".
  const nGood = Math.min(25, Math.max(1, Math.ceil((opts.gamma ?? 0.1) * sorted.length)));
  const good = sorted.slice(0, nGood).map((o) => encodeAll(space, o.params));
  const bad = sorted.slice(nGood).map((o) => encodeAll(space, o.params));
  let best: number[] = [];
  let bestScore = -Infinity;
  for (let c = 0; c < (opts.candidates ?? 24); c++) {
    const x = space.map((p, d) => sampleParzen(p, good.map((g) => g[d]), rng));
    const score = space.reduce((s, p, d) => s + Math.log(parzenDensity(p, good.map((g) => g[d]), x[d])) - Math.log(parzenDensity(p, bad.map((b) => b[d]), x[d])), 0);
    if (score > bestScore) { bestScore = score; best = x; }
  }
  return decodeAll(space, best);
}

/** Bandwidth: Scott's rule on the unit interval, never narrower than a sliver or wider than 1. */
function bandwidth(n: number): number {
  return Math.min(1, Math.max(0.02, 1.06 * 0.3 * Math.pow(Math.max(n, 1), -1 / 5)));
}

/** The estimator's density at x: a uniform prior component plus one Gaussian per point (continuous), or a smoothed histogram (discrete). */
function parzenDensity(p: ParamSpec, points: number[], x: number): number {
  const k = cardinality(p);
  if (k <= 64) {
    const cell = Math.min(k - 1, Math.floor(x * k));
    const hits = points.filter((u) => Math.min(k - 1, Math.floor(u * k)) === cell).length;
    return ((hits + 1) / (points.length + k)) * k; // per unit length, prior weight 1 per cell
  }
  const h = bandwidth(points.length);
  let sum = 1; // the prior: uniform over [0, 1)
  for (const u of points) sum += Math.exp(-0.5 * ((x - u) / h) ** 2) / (h * Math.sqrt(2 * Math.PI));
  return sum / (points.length + 1);
}

function sampleParzen(p: ParamSpec, points: number[], rng: Rng): number {
  const pick = Math.floor(rng() * (points.length + 1));
  if (pick === points.length) return rng(); // the prior
  const k = cardinality(p);
  if (k <= 64) {
    const cell = Math.min(k - 1, Math.floor(points[pick] * k));
    return rng() < 0.8 ? (cell + 0.5) / k : rng();
  }
  // Truncated to the domain by drawing again (as Optuna's truncated normals): clamping would pile
  // draws on the bounds and propose the same edge value over and over.
  for (let tries = 0; tries < 16; tries++) {
    const x = points[pick] + gaussian(rng) * bandwidth(points.length);
    if (x >= 0 && x < 1) return x;
  }
  return Math.min(1 - 1e-9, Math.max(0, points[pick]));
}

// ── NSGA-II (Deb et al., 2002) ─────────────────────────────────────────────────────────────

/** a dominates b: no worse in every objective, better in one (all minimised). */
export function dominates(a: number[], b: number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] > b[i]) return false;
    if (a[i] < b[i]) better = true;
  }
  return better;
}

/** Fast non-dominated sort: fronts of indices, best first. */
export function nonDominatedFronts(values: number[][]): number[][] {
  const n = values.length;
  const dominatedBy = Array.from({ length: n }, () => [] as number[]);
  const count = new Array<number>(n).fill(0);
  const fronts: number[][] = [[]];
  for (let p = 0; p < n; p++) {
    for (let q = 0; q < n; q++) {
      if (p === q) continue;
      if (dominates(values[p], values[q])) dominatedBy[p].push(q);
      else if (dominates(values[q], values[p])) count[p]++;
    }
    if (count[p] === 0) fronts[0].push(p);
  }
  for (let i = 0; fronts[i].length > 0; i++) {
    const next: number[] = [];
    for (const p of fronts[i]) for (const q of dominatedBy[p]) if (--count[q] === 0) next.push(q);
    fronts.push(next);
  }
  return fronts.filter((f) => f.length > 0);
}

/** Crowding distance of each member of one front (larger = lonelier = preferred). */
export function crowdingDistance(front: number[], values: number[][]): Map<number, number> {
  const d = new Map(front.map((i) => [i, 0]));
  const m = values[front[0]]?.length ?? 0;
  for (let k = 0; k < m; k++) {
    const sorted = [...front].sort((a, b) => values[a][k] - values[b][k]);
    const span = values[sorted[sorted.length - 1]][k] - values[sorted[0]][k] || 1;
    d.set(sorted[0], Infinity);
    d.set(sorted[sorted.length - 1], Infinity);
    for (let i = 1; i < sorted.length - 1; i++) d.set(sorted[i], d.get(sorted[i])! + (values[sorted[i + 1]][k] - values[sorted[i - 1]][k]) / span);
  }
  return d;
}

/**
 * NSGA-II, one child at a time (trials finish one by one): the parents are the best
 * `population` finished trials by rank and crowding; two binary tournaments pick a pair, SBX
 * crossover (η = 15) and polynomial mutation (η = 20, rate 1/d) make the child.
 */
export function suggestNsga2(input: SuggestInput, opts: { population?: number } = {}): Params {
  const { space, rng } = input;
  const population = opts.population ?? 20;
  if (input.done.length < population) return samplePoint(space, rng);
  // Parents come from the latest generations (sorting is quadratic): elites live on in their children.
  const done = input.done.slice(-4 * population);
  const values = done.map((o) => o.values);
  const rank = new Map<number, number>();
  const crowd = new Map<number, number>();
  const parents: number[] = [];
  for (const [r, front] of nonDominatedFronts(values).entries()) {
    const cd = crowdingDistance(front, values);
    for (const i of front) { rank.set(i, r); crowd.set(i, cd.get(i)!); }
    const ordered = [...front].sort((a, b) => crowd.get(b)! - crowd.get(a)!);
    parents.push(...ordered.slice(0, population - parents.length));
    if (parents.length >= population) break;
  }
  const tournament = () => {
    const a = parents[Math.floor(rng() * parents.length)];
    const b = parents[Math.floor(rng() * parents.length)];
    if (rank.get(a)! !== rank.get(b)!) return rank.get(a)! < rank.get(b)! ? a : b;
    return crowd.get(a)! >= crowd.get(b)! ? a : b;
  };
  const x1 = encodeAll(space, done[tournament()].params);
  const x2 = encodeAll(space, done[tournament()].params);
  const child = x1.map((a, d) => {
    let c = a;
    if (rng() < 0.9) c = sbx(a, x2[d], 15, rng);
    if (rng() < 1 / space.length) c = polynomialMutation(c, 20, rng);
    return Math.min(1 - 1e-9, Math.max(0, c));
  });
  return decodeAll(space, child);
}

function sbx(a: number, b: number, eta: number, rng: Rng): number {
  const u = rng();
  const beta = u <= 0.5 ? Math.pow(2 * u, 1 / (eta + 1)) : Math.pow(1 / (2 * (1 - u)), 1 / (eta + 1));
  return rng() < 0.5 ? 0.5 * ((1 + beta) * a + (1 - beta) * b) : 0.5 * ((1 - beta) * a + (1 + beta) * b);
}

function polynomialMutation(x: number, eta: number, rng: Rng): number {
  const u = rng();
  const delta = u < 0.5 ? Math.pow(2 * u, 1 / (eta + 1)) - 1 : 1 - Math.pow(2 * (1 - u), 1 / (eta + 1));
  return x + delta;
}

/** The finished trials on the first front (the Pareto-optimal ones), as indices into `done`. */
export function paretoFront(done: Observation[]): number[] {
  return done.length === 0 ? [] : nonDominatedFronts(done.map((o) => o.values))[0];
}

/**
 * The median stopping rule (Google Vizier): stop a trial at step s when its best value so far is
 * worse than the median of the completed trials' running averages up to s. Only completed trials
 * that got as far as s count, and `minTrials` of them are needed.
 */
export function medianStop(trial: Array<[number, number]>, others: Array<Array<[number, number]>>, opts: { minTrials?: number; minStep?: number } = {}): boolean {
  if (trial.length === 0) return false;
  const step = trial[trial.length - 1][0];
  if (step < (opts.minStep ?? 1)) return false;
  const averages = others
    .filter((series) => series.length > 0 && series[series.length - 1][0] >= step)
    .map((series) => series.filter(([s]) => s <= step))
    .filter((upTo) => upTo.length > 0)
    .map((upTo) => upTo.reduce((sum, [, v]) => sum + v, 0) / upTo.length);
  if (averages.length < (opts.minTrials ?? 3)) return false;
  averages.sort((a, b) => a - b);
  const mid = averages.length / 2;
  const median = averages.length % 2 ? averages[Math.floor(mid)] : (averages[mid - 1] + averages[mid]) / 2;
  const best = Math.min(...trial.map(([, v]) => v));
  return best > median;
}

/**
 * ASHA's stopping rule (Li et al., 2020, as Ray Tune's ASHA scheduler applies it): rungs at
 * `minStep`·η^k steps; at the highest rung a trial has reached, it goes on only if its value
 * there is in the best 1/η of the values every trial had on reaching that rung (lower is better).
 */
export function ashaStop(trial: Array<[number, number]>, others: Array<Array<[number, number]>>, opts: { minStep: number; eta?: number; minTrials?: number }): boolean {
  if (trial.length === 0) return false;
  const eta = opts.eta ?? 3;
  const last = trial[trial.length - 1][0];
  const base = Math.max(1, opts.minStep);
  if (last < base) return false;
  const rung = base * Math.pow(eta, Math.floor(Math.log(last / base) / Math.log(eta) + 1e-9));
  // A series' value on reaching the rung: its first point at or after it.
  const at = (series: Array<[number, number]>) => series.find(([s]) => s >= rung)?.[1];
  const recorded = others.map(at).filter((v): v is number => v !== undefined);
  if (recorded.length < (opts.minTrials ?? 1)) return false;
  const mine = at(trial)!;
  const sorted = [...recorded, mine].sort((a, b) => a - b);
  const keep = Math.max(1, Math.floor(sorted.length / eta));
  return mine > sorted[keep - 1];
}
