/**
 * A sweep's search space and the seeded randomness its algorithms share. Every algorithm works
 * in the unit cube: each parameter maps to [0, 1) (log-uniform on the log scale, integers and
 * choices by their index), so TPE's densities and NSGA-II's crossover need no per-type code.
 */
export type ParamSpec =
  | { name: string; type: "uniform"; low: number; high: number }
  | { name: string; type: "loguniform"; low: number; high: number }
  | { name: string; type: "int"; low: number; high: number }
  | { name: string; type: "choice"; values: Array<string | number | boolean> };

export type Params = Record<string, string | number | boolean>;

export type Rng = () => number;

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller). */
export function gaussian(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Number of distinct values of a discrete parameter; Infinity for continuous ones. */
export function cardinality(p: ParamSpec): number {
  if (p.type === "choice") return p.values.length;
  if (p.type === "int") return p.high - p.low + 1;
  return Infinity;
}

/** Unit-cube coordinate → the parameter's value. */
export function decode(p: ParamSpec, u: number): string | number | boolean {
  const x = Math.min(Math.max(u, 0), 1 - 1e-12);
  switch (p.type) {
    case "uniform": return p.low + x * (p.high - p.low);
    case "loguniform": return Math.exp(Math.log(p.low) + x * (Math.log(p.high) - Math.log(p.low)));
    case "int": return p.low + Math.floor(x * (p.high - p.low + 1));
    case "choice": return p.values[Math.floor(x * p.values.length)];
  }
}

/** The parameter's value → the centre of its cell in the unit cube. */
export function encode(p: ParamSpec, v: string | number | boolean): number {
  switch (p.type) {
    case "uniform": return ((v as number) - p.low) / (p.high - p.low);
    case "loguniform": return (Math.log(v as number) - Math.log(p.low)) / (Math.log(p.high) - Math.log(p.low));
    case "int": return ((v as number) - p.low + 0.5) / (p.high - p.low + 1);
    case "choice": return (Math.max(0, p.values.indexOf(v)) + 0.5) / p.values.length;
  }
}

export const decodeAll = (space: ParamSpec[], u: number[]): Params => Object.fromEntries(space.map((p, i) => [p.name, decode(p, u[i])]));
export const encodeAll = (space: ParamSpec[], params: Params): number[] => space.map((p) => encode(p, params[p.name]));

/** One uniformly random point. */
export function samplePoint(space: ParamSpec[], rng: Rng): Params {
  return decodeAll(space, space.map(() => rng()));
}

/** Whether a value lies in the parameter's range (used to check what a user or client sends). */
export function contains(p: ParamSpec, v: unknown): boolean {
  if (p.type === "choice") return p.values.includes(v as never);
  if (typeof v !== "number" || !Number.isFinite(v)) return false;
  if (p.type === "int") return Number.isInteger(v) && v >= p.low && v <= p.high;
  return v >= p.low && v <= p.high;
}
