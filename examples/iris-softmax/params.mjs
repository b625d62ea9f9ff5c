// Hyperparameters from ANVIL_PARAMS (a JSON object whose values may be numbers or numeric
// strings, as typed into a form), checked strictly so a typo fails the run at once
// instead of silently training with a default.

export const DEFAULTS = { epochs: 40, lr: 0.5, hidden: 0, seed: 42, epoch_delay_ms: 150, checkpoint_every: 10 };

const RULES = {
  epochs: [(v) => Number.isSafeInteger(v) && v > 0, "a positive integer"],
  lr: [(v) => v > 0, "a positive number"],
  hidden: [(v) => Number.isSafeInteger(v) && v >= 0, "an integer >= 0 (0 = softmax regression)"],
  seed: [(v) => Number.isSafeInteger(v) && v >= 0, "an integer >= 0"],
  // setTimeout cannot wait longer than ~24.8 days; a pause over a minute is surely a slip.
  epoch_delay_ms: [(v) => v >= 0 && v <= 60_000, "a number from 0 to 60000"],
  checkpoint_every: [(v) => Number.isSafeInteger(v) && v >= 0, "an integer >= 0 (0 = no checkpoints)"],
};

export class ParamError extends Error {}

/** Returns the full set of params and the ones actually given, as given. */
export function parseParams(json) {
  let given = {};
  if (json?.trim()) {
    try {
      given = JSON.parse(json);
    } catch (err) {
      throw new ParamError(`ANVIL_PARAMS is not valid JSON: ${err.message}`);
    }
    if (given === null || typeof given !== "object" || Array.isArray(given)) {
      throw new ParamError(`ANVIL_PARAMS must be a JSON object, got ${json}`);
    }
  }
  const params = { ...DEFAULTS };
  for (const [key, raw] of Object.entries(given)) {
    if (!(key in RULES)) {
      throw new ParamError(`unknown param "${key}" (known: ${Object.keys(RULES).join(", ")})`);
    }
    const [valid, expected] = RULES[key];
    const value = toNumber(raw);
    if (!Number.isFinite(value) || !valid(value)) {
      throw new ParamError(`${key} must be ${expected}, got ${JSON.stringify(raw)}`);
    }
    params[key] = value;
  }
  return { params, given };
}

function toNumber(raw) {
  if (typeof raw === "number") return raw;
  if (typeof raw === "string" && raw.trim() !== "") return Number(raw);
  return NaN;
}
