import { seededRng, type Rng } from "@/server/sweeps/search-space";

/**
 * Gymnasium's spaces, in TypeScript: what an environment's observations and actions may be.
 * Each says whether a value belongs (`check` gives the reason when it does not, so an action
 * outside the space is refused with a message), draws a value from a seeded generator, and
 * describes itself as JSON (the spec page and remote environments use that form).
 */

export type SpaceSpec =
  | { type: "Box"; low: number[]; high: number[]; shape: number[] }
  | { type: "Discrete"; n: number; start: number }
  | { type: "MultiDiscrete"; nvec: number[] }
  | { type: "MultiBinary"; n: number }
  | { type: "Dict"; spaces: Record<string, SpaceSpec> };

export interface Space<T = unknown> {
  readonly spec: SpaceSpec;
  /** Null when `x` belongs to the space, else why not. */
  check(x: unknown): string | null;
  contains(x: unknown): x is T;
  sample(rng: Rng): T;
}

export { seededRng, type Rng };

const isInt = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x);
const fmt = (x: unknown) => JSON.stringify(x)?.slice(0, 80) ?? String(x);

function space<T>(spec: SpaceSpec, check: (x: unknown) => string | null, sample: (rng: Rng) => T): Space<T> {
  return { spec, check, contains: (x: unknown): x is T => check(x) === null, sample };
}

/** A box of reals, flat (shape [n]); bounds may be infinite, then samples come from N(0, 1) or an exponential past the finite bound, as Gymnasium draws them. */
export function Box(low: number | number[], high: number | number[], n?: number): Space<number[]> {
  const size = n ?? (Array.isArray(low) ? low.length : Array.isArray(high) ? high.length : 1);
  const lo = Array.isArray(low) ? low : new Array<number>(size).fill(low);
  const hi = Array.isArray(high) ? high : new Array<number>(size).fill(high);
  if (lo.length !== size || hi.length !== size || lo.some((l, i) => !(l <= hi[i]))) throw new Error("Box: low and high must have one value per dimension, low ≤ high");
  return space<number[]>({ type: "Box", low: lo, high: hi, shape: [size] }, (x) => {
    if (!Array.isArray(x) || x.length !== size) return `expected an array of ${size} number${size === 1 ? "" : "s"}, got ${fmt(x)}`;
    const bad = x.findIndex((v, i) => typeof v !== "number" || Number.isNaN(v) || v < lo[i] || v > hi[i]);
    return bad < 0 ? null : `element ${bad} (${fmt(x[bad])}) is outside [${lo[bad]}, ${hi[bad]}]`;
  }, (rng) => lo.map((l, i) => {
    const h = hi[i];
    if (Number.isFinite(l) && Number.isFinite(h)) return l + (h - l) * rng();
    const normal = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    const exp = -Math.log(1 - rng());
    return Number.isFinite(l) ? l + exp : Number.isFinite(h) ? h - exp : normal;
  }));
}

/** One of n integers, start … start + n − 1. */
export function Discrete(n: number, start = 0): Space<number> {
  if (!isInt(n) || n < 1) throw new Error("Discrete: n is a positive integer");
  return space<number>({ type: "Discrete", n, start }, (x) => (isInt(x) && x >= start && x < start + n ? null : `expected an integer from ${start} to ${start + n - 1}, got ${fmt(x)}`),
    (rng) => start + Math.floor(rng() * n));
}

/** A vector of integers, element i in 0 … nvec[i] − 1. */
export function MultiDiscrete(nvec: number[]): Space<number[]> {
  if (nvec.length === 0 || nvec.some((n) => !isInt(n) || n < 1)) throw new Error("MultiDiscrete: nvec holds positive integers");
  return space<number[]>({ type: "MultiDiscrete", nvec }, (x) => {
    if (!Array.isArray(x) || x.length !== nvec.length) return `expected an array of ${nvec.length} integers, got ${fmt(x)}`;
    const bad = x.findIndex((v, i) => !isInt(v) || v < 0 || v >= nvec[i]);
    return bad < 0 ? null : `element ${bad} (${fmt(x[bad])}) is not an integer from 0 to ${nvec[bad] - 1}`;
  }, (rng) => nvec.map((n) => Math.floor(rng() * n)));
}

/** n bits, each 0 or 1. */
export function MultiBinary(n: number): Space<number[]> {
  if (!isInt(n) || n < 1) throw new Error("MultiBinary: n is a positive integer");
  return space<number[]>({ type: "MultiBinary", n }, (x) => {
    if (!Array.isArray(x) || x.length !== n) return `expected an array of ${n} bits, got ${fmt(x)}`;
    const bad = x.findIndex((v) => v !== 0 && v !== 1);
    return bad < 0 ? null : `element ${bad} (${fmt(x[bad])}) is not 0 or 1`;
  }, (rng) => Array.from({ length: n }, () => (rng() < 0.5 ? 0 : 1)));
}

/** Named sub-spaces; a value has exactly these keys. */
export function Dict<S extends Record<string, Space>>(spaces: S): Space<{ [K in keyof S]: S[K] extends Space<infer T> ? T : never }> {
  const keys = Object.keys(spaces).sort();
  type V = { [K in keyof S]: S[K] extends Space<infer T> ? T : never };
  return space<V>({ type: "Dict", spaces: Object.fromEntries(keys.map((k) => [k, spaces[k].spec])) }, (x) => {
    if (!x || typeof x !== "object" || Array.isArray(x)) return `expected an object with ${keys.join(", ")}, got ${fmt(x)}`;
    const extra = Object.keys(x).filter((k) => !(k in spaces));
    if (extra.length) return `unexpected key ${extra[0]}`;
    for (const k of keys) {
      const why = spaces[k].check((x as Record<string, unknown>)[k]);
      if (why) return `${k}: ${why}`;
    }
    return null;
  }, (rng) => Object.fromEntries(keys.map((k) => [k, spaces[k].sample(rng)])) as V);
}

/** The space a spec describes (a remote environment's `GET /spec`). Throws on a malformed spec. */
export function fromSpec(spec: SpaceSpec): Space {
  switch (spec.type) {
    case "Box": return Box(spec.low, spec.high);
    case "Discrete": return Discrete(spec.n, spec.start ?? 0);
    case "MultiDiscrete": return MultiDiscrete(spec.nvec);
    case "MultiBinary": return MultiBinary(spec.n);
    case "Dict": return Dict(Object.fromEntries(Object.entries(spec.spaces).map(([k, s]) => [k, fromSpec(s)])));
    default: throw new Error(`unknown space type ${fmt((spec as { type?: unknown }).type)}`);
  }
}
