// Tables in and out of the pipeline's phases, free of I/O: CSV (RFC 4180 quoting) or JSON
// Lines in, rows { values, label } for the phases, CSV out. A feature that is empty or not a
// number becomes null, so the optimizer can drop the row as invalid.

/** Parses CSV text into a header and records (arrays of strings). */
export function parseCsv(text) {
  const records = [];
  let record = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { record.push(field); field = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      record.push(field);
      field = "";
      if (record.length > 1 || record[0] !== "") records.push(record);
      record = [];
    } else field += c;
  }
  if (field !== "" || record.length > 0) { record.push(field); records.push(record); }
  const [header = [], ...rows] = records;
  return { header, rows };
}

/** Parses JSON Lines (one object per line; other lines are skipped) into the same shape as parseCsv. */
export function parseJsonl(text) {
  const objects = text.split(/\r?\n/).filter((l) => l.trim() !== "").map((l) => JSON.parse(l))
    .filter((o) => o !== null && typeof o === "object" && !Array.isArray(o));
  const header = [...new Set(objects.flatMap((o) => Object.keys(o)))];
  return { header, rows: objects.map((o) => header.map((k) => (o[k] === null || o[k] === undefined ? "" : String(o[k])))) };
}

export function parseTable(text, format = "csv") {
  return format === "jsonl" ? parseJsonl(text) : parseCsv(text);
}

/** Label columns recognised by name before falling back to the last column. */
const LABEL_NAMES = ["label", "target", "class", "y"];

const number = (s) => {
  const t = (s ?? "").trim();
  const n = t === "" ? NaN : Number(t);
  return Number.isFinite(n) ? n : null;
};

/**
 * Rows { values, label }. The label is `labelColumn`, else a column named label, target, class
 * or y, else the last column. Features are the other columns whose filled values are all
 * numbers, bar 5 % (an `id` or a free-text column is left out, not every row); within them an
 * empty or broken value is null, so the optimizer drops the row as invalid. `features` fixes the
 * columns by name (a model's), in that order, wherever they are in this table.
 */
export function toExamples({ header, rows }, labelColumn, features) {
  const named = LABEL_NAMES.map((n) => header.findIndex((h) => h.trim().toLowerCase() === n)).find((i) => i >= 0);
  const labelAt = labelColumn ? header.indexOf(labelColumn) : (named ?? header.length - 1);
  if (labelAt < 0) throw new Error(`no column "${labelColumn}" (columns: ${header.join(", ")})`);
  let featureAt;
  if (features) {
    featureAt = features.map((f) => header.indexOf(f));
    const missing = features.filter((_, i) => featureAt[i] < 0);
    if (missing.length > 0) throw new Error(`the table has no column ${missing.map((m) => `"${m}"`).join(", ")} (the model was trained on ${features.join(", ")})`);
  } else {
    const isFeature = (i) => {
      if (i === labelAt || header[i].trim().toLowerCase() === "id") return false;
      const filled = rows.filter((r) => (r[i] ?? "").trim() !== "");
      return filled.length > 0 && filled.filter((r) => number(r[i]) !== null).length >= 0.95 * filled.length;
    };
    featureAt = header.map((_, i) => i).filter(isFeature);
    if (featureAt.length === 0) throw new Error(`no numeric column to learn from besides the label "${header[labelAt]}"`);
  }
  return {
    features: featureAt.map((i) => header[i]),
    label: header[labelAt],
    examples: rows.map((r) => ({ values: featureAt.map((i) => number(r[i])), label: (r[labelAt] ?? "").trim() })),
  };
}

const quote = (s) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** CSV with the features first and the label last. */
export function examplesToCsv(features, label, examples) {
  const lines = [[...features, label].map(quote).join(",")];
  for (const e of examples) lines.push([...e.values.map((v) => (v === null ? "" : String(v))), quote(e.label)].join(","));
  return `${lines.join("\n")}\n`;
}

/** A stable split: about 1 in `every` rows (by content) held out, the same rows every time. */
export function holdOut(examples, every = 5) {
  const hash = (s) => { let h = 2166136261; for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619); return h >>> 0; };
  const held = [];
  const kept = [];
  for (const e of examples) (hash(`${e.values.join(",")}|${e.label}`) % every === 0 ? held : kept).push(e);
  return { kept, held };
}
