import Link from "next/link";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { runDuration } from "@/lib/format-time";
import type { RunStatus } from "@/server/runner/run-lifecycle";

export interface RunRow {
  id: string; name: string; status: RunStatus; template: string | null; statusMessage: string | null;
  createdAt: Date; startedAt: Date | null; finishedAt: Date | null; createdByEmail: string | null; projectName: string;
  executor: string; clusterName: string | null; sweepId: string | null;
  pendingReason?: string | null; queuePosition?: number | null;
}

/** A queued GPU job says where it stands in its queue and why; anything else, its last message. */
const queuedNote = (r: RunRow) => (r.pendingReason ? `#${r.queuePosition ?? "?"} in its queue: ${r.pendingReason}` : r.statusMessage);

const where = (r: RunRow) => r.clusterName ?? (r.executor === "local" ? "this machine" : r.executor === "external" ? "a client (SDK)" : r.executor);

export function RunsTable({ org, runs, now }: { org: string; runs: RunRow[]; now: Date }) {
  return (
    <div className="overflow-x-auto rounded-lg border">
      <Table>
        <TableHeader>
          <TableRow>
            <TableHead>Name</TableHead><TableHead>Status</TableHead><TableHead className="hidden sm:table-cell">Template</TableHead><TableHead className="hidden lg:table-cell">Runs on</TableHead>
            <TableHead className="hidden md:table-cell">Project</TableHead><TableHead className="hidden md:table-cell">Submitted by</TableHead>
            <TableHead className="text-right">Duration</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {runs.map((r) => (
            <TableRow key={r.id}>
              <TableCell className="font-medium break-all whitespace-normal">
                <Link className="hover:underline" href={`/${org}/training/${r.id}`}>{r.name}</Link>
                {r.status === "QUEUED" && queuedNote(r) ? <p className="text-xs text-muted-foreground">{queuedNote(r)}</p> : null}
              </TableCell>
              <TableCell><StatusBadge status={r.status} /></TableCell>
              <TableCell className="hidden text-muted-foreground sm:table-cell">{r.template ?? "custom command"}</TableCell>
              <TableCell className="hidden text-muted-foreground lg:table-cell">{where(r)}</TableCell>
              <TableCell className="hidden text-muted-foreground md:table-cell">{r.projectName}</TableCell>
              <TableCell className="hidden text-muted-foreground md:table-cell">{r.sweepId ? <Link className="hover:underline" href={`/${org}/training/sweeps/${r.sweepId}`}>a sweep</Link> : (r.createdByEmail ?? "—")}</TableCell>
              <TableCell className="text-right tabular-nums">{runDuration(r.startedAt, r.finishedAt, now)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
