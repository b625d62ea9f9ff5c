import type { Db } from "@/server/db/client";
import { isTerminal } from "@/server/runner/run-lifecycle";
import { readRunLogs } from "@/server/tracking/logs";
import { getRunRow } from "@/server/tracking/runs";
import { sseResponse } from "./sse";

/** SSE of a run's output; also reports the end, so a client knows when to stop listening. */
export function logStreamResponse(req: Request, db: Db, orgId: string, runId: string): Response {
  return sseResponse(req, {
    initialCursor: 0,
    read: async (cursor) => {
      const { status } = await getRunRow(db, orgId, runId);
      const chunks = await readRunLogs(db, orgId, runId, cursor, 500);
      return { events: chunks.map((c) => ({ id: c.id, event: "log", data: { text: c.text, attempt: c.attempt, at: c.at } })), done: isTerminal(status) };
    },
  });
}
