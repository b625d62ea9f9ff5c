"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";

/** Sends a chat message through the gateway (with the browser's session) and shows the answer as it streams. */
export function Playground({ org, service }: { org: string; service: string }) {
  const [prompt, setPrompt] = useState("Shall I compare thee to a summer's day?");
  const [answer, setAnswer] = useState("");
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function send() {
    setBusy(true);
    setAnswer("");
    setStatus(null);
    const started = performance.now();
    let first: number | null = null;
    try {
      const res = await fetch(`/api/v1/services/${encodeURIComponent(service)}/v1/chat/completions?org=${encodeURIComponent(org)}`, {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ messages: [{ role: "user", content: prompt }], max_tokens: 120, stream: true, stream_options: { include_usage: true } }),
      });
      if (!res.ok || !res.body) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        setStatus(`${res.status}: ${body?.error?.message ?? res.statusText}`);
        return;
      }
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      let usage: { completion_tokens?: number } | null = null;
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        buffer += decoder.decode(chunk.value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const line = buffer.slice(0, cut).replace(/^data: /, "");
          buffer = buffer.slice(cut + 2);
          if (line === "[DONE]") continue;
          try {
            const event = JSON.parse(line) as { choices?: Array<{ delta?: { content?: string } }>; usage?: { completion_tokens?: number }; error?: { message: string } };
            if (event.error) setStatus(`error: ${event.error.message}`);
            const text = event.choices?.[0]?.delta?.content ?? "";
            if (text) { first ??= performance.now(); setAnswer((a) => a + text); }
            if (event.usage) usage = event.usage;
          } catch { /* a partial line: the rest comes next */ }
        }
      }
      setStatus((s) => s ?? `${usage?.completion_tokens ?? "?"} tokens · first token after ${first === null ? "—" : Math.round(first - started)} ms · ${Math.round(performance.now() - started)} ms in all`);
    } catch (err) {
      setStatus(`failed: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="flex flex-col gap-3" data-testid="playground">
      <Label htmlFor="playground-prompt">Message</Label>
      <Textarea id="playground-prompt" rows={3} value={prompt} onChange={(e) => setPrompt(e.target.value)} />
      <div><Button type="button" onClick={() => void send()} disabled={busy || !prompt.trim()}>{busy ? "Streaming…" : "Send"}</Button></div>
      <pre className="min-h-16 whitespace-pre-wrap rounded-md border bg-muted/40 p-3 text-sm" data-testid="playground-answer">{answer || (busy ? "…" : "")}</pre>
      {status ? <p className="text-xs text-muted-foreground" data-testid="playground-status">{status}</p> : null}
    </div>
  );
}
