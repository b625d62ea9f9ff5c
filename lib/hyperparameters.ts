/**
 * Hyperparameters as the create-job form writes them: one `name = value` per line. Numbers
 * become numbers, true/false become booleans, anything else stays a string.
 */
export type Hyperparameters = Record<string, string | number | boolean>;

export function parseHyperparameters(text: string): { ok: true; value: Hyperparameters } | { ok: false; error: string } {
  const value: Hyperparameters = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) return { ok: false, error: `Line ${i + 1}: write name = value` };
    const key = line.slice(0, eq).trim();
    const raw = line.slice(eq + 1).trim();
    if (!/^[A-Za-z_][\w.-]{0,63}$/.test(key)) return { ok: false, error: `Line ${i + 1}: "${key}" is not a valid name (letters, digits, _ . -)` };
    if (key in value) return { ok: false, error: `Line ${i + 1}: "${key}" is set twice` };
    value[key] = raw === "true" ? true : raw === "false" ? false : raw !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return { ok: true, value };
}

export function formatHyperparameters(values: Record<string, unknown>): string {
  return Object.entries(values).map(([k, v]) => `${k} = ${String(v)}`).join("\n");
}
