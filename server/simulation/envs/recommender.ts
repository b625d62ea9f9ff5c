import { Box, MultiDiscrete, seededRng, type Rng } from "../spaces";
import type { Environment, StepResult } from "../env";

/**
 * A recommender: each step one user arrives, shown by a noisy reading of their tastes (a latent
 * vector); the action is a slate of items; the user clicks at most one, scanning in order
 * (position bias 1 / (1 + rank)), with a probability rising with how well the item fits them
 * and with its popularity, and falling with how often they have seen it (fatigue). Tastes drift
 * a little at each visit. Reward: 1 for a click.
 *
 * The failure mode to detect is popularity bias: showing everyone the popular items looks good at
 * first, then fatigue sets in and the catalog goes unexplored. `info` reports the slate's share of
 * top-decile items and the catalog coverage so far, so a run can show it.
 */
export interface RecommenderParams { users: number; items: number; dims: number; slate: number; drift: number; fatigue: number; popularityWeight: number; maxSteps: number }

export const RECOMMENDER_DEFAULTS: RecommenderParams = { users: 50, items: 200, dims: 4, slate: 5, drift: 0.05, fatigue: 0.5, popularityWeight: 0.3, maxSteps: 200 };

const gauss = (rng: Rng) => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
const unit = (v: number[]) => { const n = Math.hypot(...v) || 1; return v.map((x) => x / n); };
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export class Recommender implements Environment<number[], number[]> {
  readonly observationSpace: ReturnType<typeof Box>;
  readonly actionSpace: ReturnType<typeof MultiDiscrete>;
  readonly params: RecommenderParams;
  private rng: Rng = seededRng(0);
  private tastes: number[][] = [];
  private itemVectors: number[][] = [];
  private popularity: number[] = [];
  private seen: Map<number, number>[] = [];
  private shown = new Set<number>();
  private user = 0;
  private steps = 0;

  constructor(params: Partial<RecommenderParams> = {}) {
    this.params = { ...RECOMMENDER_DEFAULTS, ...params };
    this.observationSpace = Box(-Infinity, Infinity, this.params.dims);
    this.actionSpace = MultiDiscrete(new Array<number>(this.params.slate).fill(this.params.items));
  }

  /** The items' latent vectors and popularity: what a content-based policy may know. */
  catalog() {
    return { items: this.itemVectors.map((v) => [...v]), popularity: [...this.popularity] };
  }

  reset(seed?: number) {
    if (seed !== undefined) this.rng = seededRng(seed);
    const p = this.params;
    const vec = () => unit(Array.from({ length: p.dims }, () => gauss(this.rng)));
    this.tastes = Array.from({ length: p.users }, vec);
    this.itemVectors = Array.from({ length: p.items }, vec);
    // Zipf-like popularity: a few items are much better known.
    this.popularity = Array.from({ length: p.items }, (_, j) => 1 / (1 + j) ** 0.8).map((x) => x * (0.5 + this.rng()));
    this.seen = Array.from({ length: p.users }, () => new Map());
    this.shown = new Set();
    this.steps = 0;
    this.user = Math.floor(this.rng() * p.users);
    return { observation: this.observe(), info: { user: this.user } };
  }

  private observe() {
    return this.tastes[this.user].map((x) => x + 0.1 * gauss(this.rng));
  }

  step(slate: number[]): StepResult<number[]> {
    const p = this.params;
    const u = this.user;
    const ranked = [...this.popularity].sort((a, b) => b - a);
    const top = ranked[Math.floor(p.items / 10)];
    const most = ranked[0];
    let clicked: number | null = null;
    const unique = [...new Set(slate)];
    for (const [rank, j] of unique.entries()) {
      this.shown.add(j);
      const views = this.seen[u].get(j) ?? 0;
      this.seen[u].set(j, views + 1);
      const appeal = 3 * dot(this.tastes[u], this.itemVectors[j]) + p.popularityWeight * Math.log(this.popularity[j] / most) - p.fatigue * views - 1.5;
      if (clicked === null && this.rng() < sigmoid(appeal) / (1 + rank)) clicked = j;
    }
    if (clicked !== null) this.popularity[clicked] += 1 / p.items; // the rich get richer
    // Tastes drift at each visit.
    this.tastes[u] = unit(this.tastes[u].map((x) => x + p.drift * gauss(this.rng)));
    this.steps++;
    const info = { user: u, clicked, popularShare: unique.filter((j) => this.popularity[j] >= top).length / unique.length, coverage: this.shown.size / p.items };
    this.user = Math.floor(this.rng() * p.users);
    return { observation: this.observe(), reward: clicked === null ? 0 : 1, terminated: false, truncated: this.steps >= p.maxSteps, info: { ...info, nextUser: this.user } };
  }
}

/** The popularity baseline: the same most popular items for everyone. */
export function popularSlate(env: Recommender): number[] {
  const { popularity } = env.catalog();
  return popularity.map((p, j) => [p, j]).sort((a, b) => b[0] - a[0]).slice(0, env.params.slate).map(([, j]) => j);
}

/** The per-environment heuristic: the items that best fit the observed tastes, less those this user has seen often. */
export function personalSlate(env: Recommender, observation: number[], seen: Map<number, number> = new Map()): number[] {
  const { items } = env.catalog();
  return items.map((v, j) => [dot(observation, v) - 0.3 * (seen.get(j) ?? 0), j]).sort((a, b) => b[0] - a[0]).slice(0, env.params.slate).map(([, j]) => j);
}
