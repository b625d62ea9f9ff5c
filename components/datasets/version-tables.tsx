import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatNumber } from "@/lib/utils";
import type { ColumnProfile } from "@/server/datasets/profile";
import { describeRule } from "@/lib/dataset-rules";
import type { RuleResult } from "@/server/datasets/validation";

const show = (v: unknown) => (v === null || v === undefined ? "" : typeof v === "number" ? formatNumber(v) : String(v));

export function ColumnStatsTable({ columns, rows }: { columns: ColumnProfile[]; rows: number }) {
  return (
    <div className="overflow-x-auto rounded-lg border" data-testid="column-stats">
      <Table>
        <TableHeader><TableRow>
          <TableHead>Column</TableHead><TableHead>Type</TableHead><TableHead className="text-right">Filled</TableHead><TableHead className="text-right">Distinct</TableHead>
          <TableHead className="text-right">Min</TableHead><TableHead className="text-right">Max</TableHead><TableHead className="text-right">Mean</TableHead><TableHead className="text-right">Std</TableHead><TableHead>Most frequent</TableHead>
        </TableRow></TableHeader>
        <TableBody>
          {columns.map((c) => (
            <TableRow key={c.name}>
              <TableCell className="font-mono text-xs">{c.name}</TableCell>
              <TableCell><Badge variant="neutral">{c.type}</Badge></TableCell>
              <TableCell className="text-right tabular-nums" title={`${c.nulls} empty`}>{rows > 0 ? `${Math.round((c.count / rows) * 1000) / 10} %` : "—"}</TableCell>
              <TableCell className="text-right tabular-nums">{c.distinct.toLocaleString("en")}{c.distinctCapped ? "+" : ""}</TableCell>
              <TableCell className="text-right tabular-nums">{show(c.min)}</TableCell>
              <TableCell className="text-right tabular-nums">{show(c.max)}</TableCell>
              <TableCell className="text-right tabular-nums">{show(c.mean)}</TableCell>
              <TableCell className="text-right tabular-nums">{show(c.std)}</TableCell>
              <TableCell className="max-w-72 truncate text-xs">{c.top.slice(0, 3).map((t) => `${t.value} (${t.count})`).join(", ")}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

/** The first rows, as text: never markup. */
export function PreviewTable({ columns, rows }: { columns: string[]; rows: unknown[][] }) {
  return (
    <div className="overflow-x-auto rounded-lg border" data-testid="dataset-preview">
      <Table>
        <TableHeader><TableRow>{columns.map((c) => <TableHead key={c} className="font-mono text-xs">{c}</TableHead>)}</TableRow></TableHeader>
        <TableBody>
          {rows.map((r, i) => <TableRow key={i}>{columns.map((c, j) => <TableCell key={c} className="max-w-64 truncate font-mono text-xs">{show(r[j])}</TableCell>)}</TableRow>)}
        </TableBody>
      </Table>
    </div>
  );
}

export function ValidationReport({ report }: { report: RuleResult[] }) {
  return (
    <ul className="flex flex-col divide-y rounded-lg border text-sm" data-testid="validation-report">
      {report.map((r, i) => (
        <li key={i} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 px-3 py-2">
          <Badge variant={r.passed ? "success" : "danger"}>{r.passed ? "pass" : "fail"}</Badge>
          <span>{describeRule(r.rule)}</span>
          <span className="text-xs text-muted-foreground">
            {r.error ?? (r.passed ? "every row" : `${r.failures.toLocaleString("en")} row${r.failures === 1 ? "" : "s"} break it, e.g. ${r.examples.map((e) => `line ${e.line}: ${show(e.value) || "(empty)"}`).join("; ")}`)}
          </span>
        </li>
      ))}
    </ul>
  );
}
