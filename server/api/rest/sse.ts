import { ValidationError } from "@/server/errors";
import { log } from "@/server/log";

/**
 * Server-Sent Events with a resume cursor (ARCHITECTURE.md §9): the client's Last-Event-ID (or
 * `?cursor=`) picks up where it left off. A short poll is the guarantee; nothing is pushed twice.
 */
export interface SseBatch { events: Array<{ id: number; event: string; data: unknown }>; done: boolean }

export function sseResponse(req: Request, opts: { initialCursor: number; pollMs?: number; read: (cursor: number) => Promise<SseBatch> }): Response {
  const given = req.headers.get("last-event-id") ?? new URL(req.url).searchParams.get("cursor");
  // Our event ids are row sequences: a non-negative integer that fits a bigint, nothing else.
  if (given !== null && given !== "" && !/^\d{1,15}$/.test(given)) {
    throw new ValidationError("Last-Event-ID (or ?cursor=) must be an event id this stream sent: a non-negative integer");
  }
  let cursor = given ? Number(given) : opts.initialCursor;
  const encoder = new TextEncoder();
  let closed = false;
  req.signal.addEventListener("abort", () => { closed = true; });
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => { if (!closed) controller.enqueue(encoder.encode(text)); };
      send("retry: 2000\n\n");
      let idle = 0;
      try {
        while (!closed) {
          const batch = await opts.read(cursor);
          for (const e of batch.events) {
            send(`id: ${e.id}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`);
            cursor = e.id;
          }
          if (batch.done && batch.events.length === 0) {
            send(`event: end\ndata: {}\n\n`);
            break;
          }
          if (batch.events.length === 0 && ++idle % 30 === 0) send(": keep-alive\n\n");
          if (batch.events.length === 0) await new Promise((r) => setTimeout(r, opts.pollMs ?? 500));
        }
      } catch (err) {
        send(`event: error\ndata: ${JSON.stringify({ message: "stream interrupted; reconnect to resume" })}\n\n`);
        log.error("sse stream failed", { err });
      }
      closed = true;
      controller.close();
    },
    cancel() { closed = true; },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", connection: "keep-alive", "x-accel-buffering": "no" },
  });
}
