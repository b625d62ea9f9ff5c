/** How a run's artifact can be previewed in the browser, always as data (never as a page). */
export type PreviewKind = "image" | "json" | "csv" | "text" | null;

const TEXT_EXTENSIONS = /\.(txt|log|md|yaml|yml|toml|ini|cfg|py|js|mjs|ts|sh|out|err)$/i;

export function previewKind(path: string, contentType: string): PreviewKind {
  const type = contentType.split(";")[0].trim().toLowerCase();
  if (/^image\/(png|jpeg|gif|webp|svg\+xml|avif)$/.test(type) || /\.(png|jpe?g|gif|webp|svg|avif)$/i.test(path)) return "image";
  if (type === "application/json" || /\.json$/i.test(path)) return "json";
  if (type === "text/csv" || /\.csv$/i.test(path)) return "csv";
  if (type.startsWith("text/") || TEXT_EXTENSIONS.test(path)) return "text";
  return null;
}

/** Rows of a CSV (RFC 4180 quoting), at most `maxRows`; a row cut off at the end of the text is dropped. */
export function parseCsvPreview(text: string, maxRows: number, complete: boolean): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  for (; i < text.length && rows.length < maxRows; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field); rows.push(row); row = []; field = "";
    } else field += c;
  }
  if (complete && rows.length < maxRows && (field !== "" || row.length > 0)) rows.push([...row, field]);
  return rows;
}

/** JSON pretty-printed when the whole file arrived and parses; otherwise the text as it is. */
export function formatJsonPreview(text: string, complete: boolean): string {
  if (!complete) return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
