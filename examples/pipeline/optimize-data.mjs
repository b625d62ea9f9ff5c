// The built-in data optimizer of the pipelines, free of I/O: a table in, a better table out,
// with what each step did. Rows are { values: (number|null)[] (the feature columns), label }.
import { createRng } from "../iris-softmax/model.mjs";

/** Standard normal sample (Box–Muller). */
function gaussian(rng) {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

const key = (r) => `${r.values.join("\u0001")}\u0002${r.label}`;

/** Exact duplicates (same features, same label) kept once, in their first place. */
export function deduplicate(rows) {
  const seen = new Set();
  const kept = rows.filter((r) => (seen.has(key(r)) ? false : (seen.add(key(r)), true)));
  return { rows: kept, removed: rows.length - kept.length };
}

/** Rows a model cannot learn from: a missing or non-finite feature, or no label. */
export function dropInvalid(rows) {
  const kept = rows.filter((r) => r.label !== null && r.label !== "" && r.values.every((v) => typeof v === "number" && Number.isFinite(v)));
  return { rows: kept, removed: rows.length - kept.length };
}

/** Rows per label. */
export function classCounts(rows) {
  const counts = new Map();
  for (const r of rows) counts.set(r.label, (counts.get(r.label) ?? 0) + 1);
  return counts;
}

/** Every class oversampled (drawn again, with replacement) up to the largest class's count. */
export function rebalance(rows, rng) {
  const counts = classCounts(rows);
  const target = Math.max(0, ...counts.values());
  const added = [];
  for (const [label, n] of counts) {
    const members = rows.filter((r) => r.label === label);
    for (let i = n; i < target; i++) added.push({ ...members[Math.floor(rng() * members.length)] });
  }
  return { rows: [...rows, ...added], added: added.length };
}

/** Per feature, the standard deviation: the scale the synthetic rows are jittered on. */
function featureStd(rows) {
  const d = rows[0]?.values.length ?? 0;
  return Array.from({ length: d }, (_, j) => {
    const xs = rows.map((r) => r.values[j]);
    const mean = xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
    return Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / Math.max(xs.length - 1, 1)) || 1;
  });
}

/**
 * Given the last evaluation's bad cases (inputs the model got wrong, with their true label),
 * synthesizes `perCase` rows near each one — its features plus Gaussian noise of `jitter`
 * standard deviations — labelled with the true label: more examples where the model errs.
 */
export function oversampleNearBadCases(rows, badCases, { perCase = 5, jitter = 0.1 } = {}, rng) {
  const std = featureStd(rows);
  const added = [];
  for (const bad of badCases) {
    if (!bad.label || bad.values.length !== std.length || bad.values.some((v) => !Number.isFinite(v))) continue;
    for (let i = 0; i < perCase; i++) {
      added.push({ values: bad.values.map((v, j) => Math.round((v + gaussian(rng) * jitter * std[j]) * 1e4) / 1e4), label: bad.label });
    }
  }
  return { rows: [...rows, ...added], added: added.length };
}

/**
 * The optimizer: deduplicate, drop invalid rows, then — when the last report brought bad
 * cases — synthesize rows near them, then rebalance the classes. The steps and a one-line
 * derivation (for the new dataset version's lineage) say what changed.
 */
export function optimize(rows, report = null, { seed = 42, perCase = 5, jitter = 0.1, feedback = true } = {}) {
  const rng = createRng(seed);
  const steps = [];
  let current = rows;
  const dedup = deduplicate(current);
  current = dedup.rows;
  steps.push({ step: "deduplicate", removed: dedup.removed });
  const valid = dropInvalid(current);
  current = valid.rows;
  steps.push({ step: "drop_invalid", removed: valid.removed });
  const bad = feedback ? (report?.badCases ?? []) : [];
  if (bad.length > 0) {
    const near = oversampleNearBadCases(current, bad, { perCase, jitter }, rng);
    current = near.rows;
    steps.push({ step: "oversample_bad_cases", added: near.added, badCases: bad.length });
  }
  const balanced = rebalance(current, rng);
  current = balanced.rows;
  steps.push({ step: "rebalance", added: balanced.added });
  const derivation = steps.map((s) => (s.removed !== undefined ? `${s.step.replace("_", " ")} −${s.removed}` : `${s.step.replace(/_/g, " ")} +${s.added}`)).join(", ");
  return { rows: current, steps, derivation };
}
