"use client";

import { useRouter } from "next/navigation";
import { useEffect, useLayoutEffect, useRef, useState } from "react";

/**
 * Live output over SSE. The browser's EventSource resumes with Last-Event-ID by itself after a
 * drop; on `end` (run finished, output drained) the page refreshes to show the final status.
 */
export function LogStream({ org, runId, active }: { org: string; runId: string; active: boolean }) {
  const [text, setText] = useState("");
  const [state, setState] = useState<"connecting" | "live" | "ended">("connecting");
  const box = useRef<HTMLPreElement>(null);
  // Follow the tail unless the reader scrolled up; decided before new text changes the height.
  const follow = useRef(true);
  // Read through a ref: the page re-renders with active=false when the run ends, and that must
  // not reopen the stream (which would replay the whole output).
  const activeRef = useRef(active);
  activeRef.current = active;
  const router = useRouter();

  useEffect(() => {
    const source = new EventSource(`/api/v1/runs/${runId}/logs/stream?org=${encodeURIComponent(org)}`);
    source.onopen = () => setState("live");
    source.addEventListener("log", (e) => {
      const { text: chunk } = JSON.parse((e as MessageEvent<string>).data) as { text: string };
      setText((prev) => (prev.length > 2_000_000 ? prev.slice(-1_000_000) : prev) + chunk);
    });
    source.addEventListener("end", () => {
      source.close();
      setState("ended");
      if (activeRef.current) router.refresh();
    });
    return () => source.close();
  }, [org, runId, router]);

  useLayoutEffect(() => {
    const el = box.current;
    if (el && follow.current) el.scrollTop = el.scrollHeight;
  }, [text]);

  const onScroll = () => {
    const el = box.current;
    if (el) follow.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
  };

  return (
    <div className="flex flex-col gap-2">
      <p className="text-xs text-muted-foreground" aria-live="polite">
        {state === "live" ? "● streaming" : state === "ended" ? "Output complete" : "Connecting…"}
      </p>
      <pre ref={box} onScroll={onScroll} data-testid="run-logs" className="max-h-96 min-h-32 overflow-auto rounded-md border bg-muted/40 p-3 font-mono text-xs leading-relaxed whitespace-pre-wrap">
        {text || (state === "ended" ? "(no output)" : "Waiting for output…")}
      </pre>
    </div>
  );
}
