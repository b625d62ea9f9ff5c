import Link from "next/link";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { money } from "@/lib/format-money";
import { formatDateTime } from "@/lib/format-time";
import type { RunScheduling } from "@/server/scheduling/run-scheduling";

/** Where a GPU job stands with the scheduler: its place and why it waits, the pool, who preempted it. */
export function JobScheduling({ org, s }: { org: string; s: RunScheduling }) {
  const facts: Array<[string, React.ReactNode]> = [
    ["Queue", s.queue ?? "—"], ["Priority", String(s.priority)], ["GPUs", String(s.gpus)],
    ["Pool", s.pool ? `${s.pool}${s.borrowing ? " (borrowing)" : ""} since ${formatDateTime(s.admittedAt)}` : "—"],
    ["GPU time", `${s.gpuHours.toFixed(3)} GPU-h · ${money(s.cost)}`],
  ];
  if (s.preemptions > 0) {
    facts.push(["Preempted", <span key="p">{s.preemptions}×, last by {s.preemptedBy ? <Link className="underline" href={`/${org}/training/${s.preemptedBy.id}`}>{s.preemptedBy.name}</Link> : "a job since deleted"}</span>]);
  }
  return (
    <section aria-label="Scheduling" className="flex flex-col gap-3" data-testid="job-scheduling">
      {s.pendingReason ? (
        <Alert variant="warning">
          <AlertTitle>{s.position ? `#${s.position} in queue ${s.queue}` : `Waiting in queue ${s.queue}`}</AlertTitle>
          <AlertDescription data-testid="pending-reason">{s.pendingReason}. <Link className="underline" href={`/${org}/training/queues`}>Everyone in the queues</Link></AlertDescription>
        </Alert>
      ) : null}
      <dl className="grid grid-cols-2 gap-4 rounded-lg border p-4 text-sm sm:grid-cols-5">
        {facts.map(([k, v]) => <div key={k}><dt className="text-xs text-muted-foreground">{k}</dt><dd className="font-medium tabular-nums break-words">{v}</dd></div>)}
      </dl>
    </section>
  );
}
