import { Box, MultiDiscrete, seededRng, type Rng } from "../spaces";
import type { Environment, StepResult } from "../env";

/**
 * 5G RAN slicing: a cell's resource blocks shared each step (a 1 ms slot) between three slices.
 * - eMBB (video, downloads): many large requests; its SLA is throughput — serve at least 90 % of
 *   what arrives over the step.
 * - URLLC (control loops): few small requests, latency-critical; its SLA is queueing delay ≤ 1 ms.
 *   A breach is a safety violation, counted separately.
 * - mMTC (sensors): many tiny requests; its SLA is a bounded backlog.
 * Arrivals are Poisson per slice. The action is each slice's share in tenths (MultiDiscrete
 * [11, 11, 11]); shares over ten tenths are scaled down to fit. The reward is the fraction of the
 * three SLAs met this step. Observation: each slice's backlog and last arrivals (in resource-block
 * units). 200 steps, then truncated.
 */
export interface SlicingParams { resourceBlocks: number; embbRate: number; urllcRate: number; mmtcRate: number; embbSize: number; urllcSize: number; mmtcSize: number; urllcMaxDelayMs: number; mmtcMaxBacklog: number; maxSteps: number }

export const SLICING_DEFAULTS: SlicingParams = {
  resourceBlocks: 100, embbRate: 6, urllcRate: 8, mmtcRate: 30, embbSize: 8, urllcSize: 2, mmtcSize: 0.5, urllcMaxDelayMs: 1, mmtcMaxBacklog: 40, maxSteps: 200,
};

export const SLICES = ["eMBB", "URLLC", "mMTC"] as const;

/** Knuth's method: fine for the small rates of one slot. */
export function poisson(rng: Rng, lambda: number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  for (let p = rng(); p > limit; p *= rng()) k++;
  return k;
}

export class NetworkSlicing implements Environment<number[], number[]> {
  readonly observationSpace = Box(0, Infinity, 6);
  readonly actionSpace = MultiDiscrete([11, 11, 11]);
  readonly params: SlicingParams;
  private backlog = [0, 0, 0];
  private arrivals = [0, 0, 0];
  private steps = 0;
  private rng: Rng = seededRng(0);

  constructor(params: Partial<SlicingParams> = {}) {
    this.params = { ...SLICING_DEFAULTS, ...params };
  }

  reset(seed?: number) {
    if (seed !== undefined) this.rng = seededRng(seed);
    this.backlog = [0, 0, 0];
    this.arrivals = [0, 0, 0];
    this.steps = 0;
    return { observation: this.observe(), info: {} };
  }

  private observe() {
    return [...this.backlog, ...this.arrivals];
  }

  step(action: number[]): StepResult<number[]> {
    const p = this.params;
    const tenths = Math.max(10, action[0] + action[1] + action[2]);
    const capacity = action.map((a) => (a / tenths) * p.resourceBlocks);
    const rates = [p.embbRate, p.urllcRate, p.mmtcRate];
    const sizes = [p.embbSize, p.urllcSize, p.mmtcSize];
    this.arrivals = rates.map((r, i) => poisson(this.rng, r) * sizes[i]);
    const offered = this.backlog.map((b, i) => b + this.arrivals[i]);
    const served = offered.map((o, i) => Math.min(o, capacity[i]));
    this.backlog = offered.map((o, i) => o - served[i]);
    // Little's law: what is still queued drains at this step's capacity; a slot is 1 ms.
    const delayMs = this.backlog.map((b, i) => (b === 0 ? 0 : capacity[i] > 0 ? b / capacity[i] : Infinity));
    const sla = {
      eMBB: this.arrivals[0] === 0 || served[0] >= 0.9 * this.arrivals[0],
      URLLC: delayMs[1] <= p.urllcMaxDelayMs,
      mMTC: this.backlog[2] <= p.mmtcMaxBacklog,
    };
    this.steps++;
    const met = Object.values(sla).filter(Boolean).length;
    return {
      observation: this.observe(), reward: met / 3, terminated: false, truncated: this.steps >= p.maxSteps,
      info: { sla, safetyViolation: !sla.URLLC, urllcDelayMs: Number.isFinite(delayMs[1]) ? delayMs[1] : null, served, capacity },
    };
  }
}

/** The per-environment heuristic: URLLC first (its backlog plus expected arrivals), then the rest by backlog. */
export function slicingHeuristic(observation: number[], p: SlicingParams = SLICING_DEFAULTS): number[] {
  const need = [observation[0] + p.embbRate * p.embbSize, observation[1] + p.urllcRate * p.urllcSize, observation[2] + p.mmtcRate * p.mmtcSize];
  const urllc = Math.min(10, Math.ceil((need[1] * 1.5 * 10) / p.resourceBlocks));
  const rest = 10 - urllc;
  const other = need[0] + need[2];
  const embb = other === 0 ? Math.floor(rest / 2) : Math.round((rest * need[0]) / other);
  return [embb, urllc, rest - embb];
}
