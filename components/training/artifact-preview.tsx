"use client";

import { Eye, EyeOff } from "lucide-react";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { formatJsonPreview, parseCsvPreview, previewKind } from "@/lib/artifact-preview";

const HEAD_BYTES = 64 * 1024;
const CSV_ROWS = 50;

/**
 * A preview of an artifact as data: text in a <pre>, CSV as a table, JSON pretty-printed, images
 * in an <img>. Only the first 64 KiB are fetched; nothing the run uploaded is ever rendered as
 * markup or run as script.
 */
export function ArtifactPreview({ url, path, contentType }: { url: string; path: string; contentType: string }) {
  const kind = previewKind(path, contentType);
  const [open, setOpen] = useState(false);
  const [content, setContent] = useState<{ text: string; complete: boolean } | { error: string } | null>(null);

  useEffect(() => {
    if (!open || kind === null || kind === "image" || content) return;
    const separator = url.includes("?") ? "&" : "?";
    fetch(`${url}${separator}head=${HEAD_BYTES}`)
      .then(async (res) => {
        if (!res.ok) throw new Error(`the server answered ${res.status}`);
        setContent({ text: await res.text(), complete: res.headers.get("x-artifact-partial") !== "true" });
      })
      .catch((err: Error) => setContent({ error: `Could not load the preview: ${err.message}` }));
  }, [open, kind, url, content]);

  if (kind === null) return null;
  return (
    <div className="flex flex-col gap-2">
      <Button type="button" size="sm" variant="ghost" className="self-start" onClick={() => setOpen(!open)} aria-expanded={open} aria-label={`${open ? "Hide" : "Preview"} ${path}`}>
        {open ? <EyeOff className="size-4" aria-hidden /> : <Eye className="size-4" aria-hidden />}{open ? "Hide" : "Preview"}
      </Button>
      {open ? <PreviewBody kind={kind} url={url} path={path} content={content} /> : null}
    </div>
  );
}

function PreviewBody({ kind, url, path, content }: { kind: NonNullable<ReturnType<typeof previewKind>>; url: string; path: string; content: { text: string; complete: boolean } | { error: string } | null }) {
  if (kind === "image") return <img src={url} alt={path} className="max-h-96 max-w-full rounded border object-contain" />;
  if (!content) return <p className="text-xs text-muted-foreground">Loading…</p>;
  if ("error" in content) return <p className="text-xs text-destructive">{content.error}</p>;
  const cut = content.complete ? null : <p className="text-xs text-muted-foreground">Showing the first {HEAD_BYTES / 1024} KiB; download the file for all of it.</p>;
  if (kind === "csv") {
    const [header, ...rows] = parseCsvPreview(content.text, CSV_ROWS + 1, content.complete);
    return (
      <div className="flex flex-col gap-1">
        <div className="max-h-96 overflow-auto rounded border">
          <table className="w-full text-xs" data-testid="artifact-preview">
            <thead className="sticky top-0 bg-muted"><tr>{header?.map((h, i) => <th key={i} className="px-2 py-1 text-left font-medium">{h}</th>)}</tr></thead>
            <tbody>{rows.map((r, i) => <tr key={i} className="border-t">{r.map((v, j) => <td key={j} className="px-2 py-1 font-mono">{v}</td>)}</tr>)}</tbody>
          </table>
        </div>
        {cut}
      </div>
    );
  }
  const text = kind === "json" ? formatJsonPreview(content.text, content.complete) : content.text;
  return (
    <div className="flex flex-col gap-1">
      <pre data-testid="artifact-preview" className="max-h-96 overflow-auto rounded border bg-muted/40 p-2 font-mono text-xs whitespace-pre-wrap break-all">{text}</pre>
      {cut}
    </div>
  );
}
