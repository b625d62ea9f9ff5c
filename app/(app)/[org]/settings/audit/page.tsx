import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format-time";
import { serverApi } from "@/server/api/rsc";
import { can } from "@/server/tenancy/permissions";

export const metadata = { title: "Audit log" };

/** Filters are a GET form: shareable URLs, works without JavaScript. */
export default async function AuditPage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<{ action?: string; actor?: string; before?: string }> }) {
  const { org } = await params;
  const q = await searchParams;
  const api = await serverApi();
  const me = await api.organizations.get({ org });
  if (!can(me.role, "audit:read")) return <p className="text-sm text-muted-foreground">Only admins and managers can browse the audit log.</p>;
  const before = q.before ? Number(q.before) : undefined;
  const { items, nextBefore } = await api.audit.list({ org, action: q.action || undefined, actor: q.actor || undefined, before: before && before > 0 ? before : undefined, limit: 50 });
  const more = new URLSearchParams({ ...(q.action ? { action: q.action } : {}), ...(q.actor ? { actor: q.actor } : {}), before: String(nextBefore ?? "") });
  return (
    <div className="flex flex-col gap-4">
      <form method="get" className="flex flex-col gap-2 sm:flex-row">
        <Input name="action" placeholder="Action, e.g. member." defaultValue={q.action} aria-label="Filter by action" />
        <Input name="actor" placeholder="Actor, e.g. alice@" defaultValue={q.actor} aria-label="Filter by actor" />
        <Button type="submit" variant="outline">Filter</Button>
      </form>
      <div className="overflow-x-auto rounded-lg border">
        {/* Fixed layout: long actors and details wrap or truncate instead of widening the page. */}
        <Table className="table-fixed">
          <TableHeader>
            <TableRow>
              <TableHead className="w-28 sm:w-44">When</TableHead><TableHead>Actor</TableHead><TableHead className="w-32 sm:w-36">Action</TableHead>
              <TableHead className="hidden w-32 md:table-cell">Target</TableHead><TableHead className="hidden lg:table-cell">Details</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {items.map((e) => (
              <TableRow key={e.id}>
                <TableCell className="font-mono text-xs whitespace-normal">{formatDateTime(e.at)}</TableCell>
                <TableCell className="text-xs break-all whitespace-normal">{e.actorLabel}</TableCell>
                <TableCell className="font-mono text-xs break-all whitespace-normal">{e.action}</TableCell>
                <TableCell className="hidden font-mono text-xs md:table-cell">{e.targetType}{e.targetId ? `:${e.targetId.slice(0, 8)}` : ""}</TableCell>
                <TableCell className="hidden truncate font-mono text-xs text-muted-foreground lg:table-cell" title={JSON.stringify(e.details)}>{JSON.stringify(e.details)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      {nextBefore ? <Link className="text-sm text-primary hover:underline" href={`?${more}`}>Older entries →</Link> : null}
    </div>
  );
}
