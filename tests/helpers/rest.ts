/** Calls a Next route handler directly, as the framework would. */
export type RouteHandler = (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

export function call(handler: RouteHandler, opts: { method?: string; url?: string; token?: string; body?: unknown; rawBody?: string | Uint8Array; contentType?: string; params: Record<string, string | string[]>; headers?: Record<string, string> }) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: BodyInit | undefined;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] = "application/json";
  } else if (opts.rawBody !== undefined) {
    body = opts.rawBody as BodyInit;
    headers["content-type"] = opts.contentType ?? "application/octet-stream";
  }
  const req = new Request(opts.url ?? "http://127.0.0.1:3000/api/test", { method: opts.method ?? "GET", headers, body });
  return handler(req, { params: Promise.resolve(opts.params) });
}

/** Reads SSE frames until `count` events with ids arrived or the stream ends; then aborts. */
export async function readSse(res: Response, count: number): Promise<Array<{ id?: string; event?: string; data: string }>> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: Array<{ id?: string; event?: string; data: string }> = [];
  let buffer = "";
  while (events.filter((e) => e.id).length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let idx;
    while ((idx = buffer.indexOf("\n\n")) >= 0) {
      const frame = buffer.slice(0, idx);
      buffer = buffer.slice(idx + 2);
      const e: { id?: string; event?: string; data: string } = { data: "" };
      for (const line of frame.split("\n")) {
        if (line.startsWith("id: ")) e.id = line.slice(4);
        else if (line.startsWith("event: ")) e.event = line.slice(7);
        else if (line.startsWith("data: ")) e.data += line.slice(6);
      }
      if (e.event) events.push(e);
      if (e.event === "end") return events;
    }
  }
  await reader.cancel();
  return events;
}
