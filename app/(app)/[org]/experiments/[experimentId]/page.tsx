import Link from "next/link";
import { TRPCError } from "@trpc/server";
import { ArrowDown, ArrowUp, ListFilter, Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { ConfirmSubmit } from "@/components/ui/confirm-submit";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { PageHeader } from "@/components/ui/page-header";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { notFoundOn } from "@/server/api/not-found";
import { serverApi } from "@/server/api/rsc";
import type { RunStatus } from "@/server/runner/run-lifecycle";
import { formatNumber, formatRelativeTime } from "@/lib/utils";
import { formatPurgeDelay } from "@/lib/format-time";
import { env } from "@/server/env";
import { can } from "@/server/tenancy/permissions";
import { deleteExperimentAction } from "../actions";

export const metadata = { title: "Runs" };

type Search = { q?: string; sort?: string; cols?: string | string[]; page?: string; view?: string };
const PAGE = 50;

/** The runs table: filter, sort, chosen columns and page all live in the URL, so a view can be shared. */
export default async function ExperimentRunsPage({ params, searchParams }: { params: Promise<{ org: string; experimentId: string }>; searchParams: Promise<Search> }) {
  const { org, experimentId } = await params;
  const s = await searchParams;
  const chosen = (Array.isArray(s.cols) ? s.cols : s.cols ? s.cols.split(",") : []).filter(Boolean).slice(0, 60);
  const page = Math.max(0, Number(s.page ?? 0) || 0);
  const view = s.view === "deleted" ? "deleted" : "active";
  const api = await serverApi();
  const me = await api.organizations.get({ org });
  const load = (filter: string | undefined, orderBy: string | undefined, columns: string[]) =>
    api.experiments.runs({ org, experimentId, view, filter, orderBy, columns, page, pageSize: PAGE });
  let error: string | null = null;
  let data;
  try {
    data = await load(s.q, s.sort, chosen);
  } catch (err) {
    // A filter or sort that does not parse: say so above the table instead of failing the page.
    if (!(err instanceof TRPCError && err.code === "BAD_REQUEST" && /^Invalid filter/.test(err.message))) notFoundOn(err);
    error = err.message;
    data = await load(undefined, undefined, chosen).catch((e: unknown) => notFoundOn(e));
  }
  // Until someone picks columns: the first few params and metrics.
  const columns = chosen.length > 0 ? chosen : [...data.keys.params.slice(0, 4).map((k) => `params.${k}`), ...data.keys.metrics.slice(0, 4).map((k) => `metrics.${k}`)];
  if (chosen.length === 0 && columns.length > 0) data = await load(error ? undefined : s.q, error ? undefined : s.sort, columns);
  const rows = error ? [] : data.rows;
  const href = (over: Partial<Search>) => {
    const u = new URLSearchParams();
    const merged = { q: s.q, sort: s.sort, cols: columns.join(","), page: String(page), view: view === "deleted" ? "deleted" : undefined, ...over };
    for (const [k, v] of Object.entries(merged)) if (v && v !== "0") u.set(k, String(v));
    return `/${org}/experiments/${experimentId}?${u.toString()}`;
  };
  const sortLink = (col: string) => (s.sort === `${col} DESC` ? `${col} ASC` : `${col} DESC`);
  return (
    <div>
      <PageHeader eyebrow={<Link href={`/${org}/experiments`} className="hover:underline">Experiments</Link>} title={data.experiment.name}
        description="Filter like metrics.loss < 0.1 and params.lr = '0.01' and tags.team = 'nlp'. Pick runs to compare them."
        actions={can(me.role, "experiment:delete", me.grants) ? (
          <ConfirmSubmit action={deleteExperimentAction.bind(null, org, experimentId)} variant="outline" size="default" title={`Delete “${data.experiment.name}”?`} confirmLabel="Delete experiment"
            description={`The experiment and its runs leave every list. It can be restored from the Experiments page for ${formatPurgeDelay(env.ANVIL_PURGE_AFTER_HOURS)}; then its runs' metrics, logs and artifacts are removed for good.`}>
            <Trash2 className="size-4" aria-hidden />Delete
          </ConfirmSubmit>
        ) : null} />
      <nav className="mb-3 flex gap-4 text-sm" aria-label="Run views">
        <Link href={href({ view: undefined, page: "0" })} aria-current={view === "active" ? "page" : undefined} className={view === "active" ? "font-medium" : "text-muted-foreground hover:underline"}>Runs</Link>
        <Link href={href({ view: "deleted", page: "0" })} aria-current={view === "deleted" ? "page" : undefined} className={view === "deleted" ? "font-medium" : "text-muted-foreground hover:underline"}>Deleted runs</Link>
      </nav>
      <form className="mb-3 flex flex-wrap gap-2" action={`/${org}/experiments/${experimentId}`}>
        <Input name="q" defaultValue={s.q} aria-label="Filter runs" placeholder="metrics.loss < 0.1 and params.lr = '0.01'" className="min-w-72 flex-1 font-mono text-sm" />
        <input type="hidden" name="cols" value={columns.join(",")} />
        {s.sort ? <input type="hidden" name="sort" value={s.sort} /> : null}
        <Button type="submit" variant="secondary"><ListFilter className="size-4" aria-hidden />Filter</Button>
      </form>
      {error ? <p role="alert" className="mb-3 rounded-md border border-destructive/40 bg-destructive/10 p-2 text-sm text-destructive" data-testid="filter-error">{error}</p> : null}
      <details className="mb-3 text-sm">
        <summary className="cursor-pointer text-muted-foreground">Columns ({columns.length} of {data.keys.params.length + data.keys.metrics.length + data.keys.tags.length})</summary>
        <form className="mt-2 grid max-h-64 grid-cols-2 gap-1 overflow-auto rounded-md border p-2 sm:grid-cols-4" action={`/${org}/experiments/${experimentId}`}>
          {[...data.keys.params.map((k) => `params.${k}`), ...data.keys.metrics.map((k) => `metrics.${k}`), ...data.keys.tags.map((k) => `tags.${k}`)].map((c) => (
            <label key={c} className="flex items-center gap-1 truncate font-mono text-xs"><input type="checkbox" name="cols" value={c} defaultChecked={columns.includes(c)} />{c}</label>
          ))}
          {s.q ? <input type="hidden" name="q" value={s.q} /> : null}
          <Button type="submit" size="sm" className="col-span-full justify-self-start">Show columns</Button>
        </form>
      </details>
      {rows.length === 0 ? (
        <EmptyState icon={ListFilter} title={s.q ? "No run matches this filter" : view === "deleted" ? "No deleted runs" : "No runs in this experiment"}
          description={s.q ? "Loosen the filter or clear it." : view === "deleted" ? `Deleted runs stay here, restorable from their page, for ${formatPurgeDelay(env.ANVIL_PURGE_AFTER_HOURS)}.` : "Runs logged to this experiment appear here."} />
      ) : (
        <form action={`/${org}/experiments/compare`}>
          <Table data-testid="runs-table">
            <TableHeader>
              <TableRow>
                <TableHead className="w-8"><span className="sr-only">Compare</span></TableHead>
                <TableHead><Link href={href({ sort: sortLink("run_name"), page: "0" })}>Run</Link></TableHead>
                <TableHead>Status</TableHead>
                <TableHead><Link href={href({ sort: sortLink("start_time"), page: "0" })}>Started</Link></TableHead>
                {columns.map((c) => (
                  <TableHead key={c} className="font-mono text-xs">
                    <Link href={href({ sort: sortLink(quoteKey(c)), page: "0" })} className="inline-flex items-center gap-1">
                      {c}{s.sort === `${quoteKey(c)} DESC` ? <ArrowDown className="size-3" aria-label="descending" /> : s.sort === `${quoteKey(c)} ASC` ? <ArrowUp className="size-3" aria-label="ascending" /> : null}
                    </Link>
                  </TableHead>
                ))}
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((r) => (
                <TableRow key={r.id}>
                  <TableCell><input type="checkbox" name="runs" value={r.id} aria-label={`Compare ${r.name}`} /></TableCell>
                  <TableCell><Link className="font-medium text-primary hover:underline" href={`/${org}/training/${r.id}`}>{r.name}</Link></TableCell>
                  <TableCell><StatusBadge status={r.status as RunStatus} /></TableCell>
                  <TableCell className="text-muted-foreground">{formatRelativeTime(r.startedAt ?? r.createdAt, new Date())}</TableCell>
                  {columns.map((c) => {
                    const v = r.cells[c];
                    return <TableCell key={c} className="font-mono text-xs tabular-nums">{v === null || v === undefined ? "—" : typeof v === "number" ? formatNumber(v) : String(v)}</TableCell>;
                  })}
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <div className="mt-3 flex flex-wrap items-center gap-2">
            <Button type="submit">Compare selected</Button>
            {page > 0 ? <Button asChild variant="secondary"><Link href={href({ page: String(page - 1) })}>Previous</Link></Button> : null}
            {data.hasMore ? <Button asChild variant="secondary"><Link href={href({ page: String(page + 1) })}>Next</Link></Button> : null}
            <span className="text-sm text-muted-foreground">Page {page + 1}</span>
          </div>
        </form>
      )}
    </div>
  );
}

/** `metrics.val loss` → metrics."val loss" so the order term parses. */
function quoteKey(col: string): string {
  const dot = col.indexOf(".");
  const key = col.slice(dot + 1);
  return /^[\w.]+$/.test(key) ? col : `${col.slice(0, dot)}."${key}"`;
}
