"use client";

import { useActionState, useState } from "react";
import { promoteAction, setExperimentAction } from "@/app/(app)/[org]/inference/traffic-actions";
import { FormError, formField, SubmitButton } from "@/components/forms/form-parts";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { initialFormState } from "@/lib/form-state";
import { intervalRows, type IntervalInput } from "./prepare-traffic";

interface Metric extends IntervalInput { test: string; baseline: { value: number | null; n: number }; variant: { value: number | null; n: number }; p: number | null; required: number | null; probabilityGreater?: number; mannWhitneyP?: number }
export interface AbView {
  since: string; baseline: string; settings: { metric: string; minimumEffect: number; alpha: number; power: number; autoPromote: boolean };
  experiment: { outcome?: { variant: string; by: string; reason: string; at: string; kept?: boolean } } | null;
  comparisons: Array<{ variant: string; verdict: string; primary: Metric; metrics: Metric[] }>;
}

const LABEL: Record<string, string> = { success: "Success rate", latency: "Latency (mean)", ttft: "Time to first token (mean)", thumbs: "Thumbs up", score: "Score (mean)" };
const TONE: Record<string, "success" | "neutral" | "info" | "warning"> = { significant: "success", "not significant": "neutral", collecting: "info", "no data": "warning" };

function value(metric: string, v: number | null) {
  if (v === null) return "—";
  return metric === "success" || metric === "thumbs" ? `${(v * 100).toFixed(1)} %` : metric === "score" ? v.toFixed(3) : `${v.toFixed(1)} ms`;
}

/** The A/B test: its settings, each variant's verdict against the baseline, every metric with its interval and horizon, and Promote. */
export function AbPanel({ org, serviceId, ab, canEdit }: { org: string; serviceId: string; ab: AbView; canEdit: boolean }) {
  const [state, action] = useActionState(setExperimentAction.bind(null, org, serviceId), initialFormState);
  const [error, setError] = useState<string | null>(null);
  const field = formField(state);
  const s = state.values ?? {};
  return (
    <div className="flex flex-col gap-6">
      {ab.experiment?.outcome ? <p className="rounded-md border border-success/30 bg-success/10 p-3 text-sm" data-testid="ab-outcome"><b>{ab.experiment.outcome.variant}</b> {ab.experiment.outcome.kept ? "was kept" : "was promoted"} by {ab.experiment.outcome.by}: {ab.experiment.outcome.reason}</p> : null}
      {error ? <p className="text-sm text-destructive" role="alert">{error}</p> : null}
      {ab.comparisons.length === 0 ? <p className="text-sm text-muted-foreground">One variant only: add a variant (Overview → Variants) or start a canary to compare two.</p> : null}
      {ab.comparisons.map((c) => (
        <section key={c.variant} className="flex flex-col gap-3" data-testid="ab-comparison">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <h3 className="text-sm font-medium">{c.variant} vs {ab.baseline} <span className="font-normal text-muted-foreground">since {new Date(ab.since).toLocaleString()}</span></h3>
            {canEdit ? <div className="flex gap-2">
              {[c.variant, ab.baseline].map((name) => <Button key={name} variant={c.primary.better === (name === c.variant ? "variant" : "baseline") ? "default" : "outline"} size="sm" onClick={() => void promoteAction(org, serviceId, name).then(setError)}>Promote {name}</Button>)}
            </div> : null}
          </div>
          <p className="text-sm" data-testid="ab-verdict"><Badge variant={TONE[c.primary.status]}>{c.primary.status}</Badge> {c.verdict}</p>
          <div className="overflow-x-auto rounded-lg border">
            <Table>
              <TableHeader><TableRow><TableHead>Metric</TableHead><TableHead className="text-right">{ab.baseline}</TableHead><TableHead className="text-right">{c.variant}</TableHead><TableHead className="min-w-48">Difference, {+((1 - ab.settings.alpha) * 100).toFixed(1)} % interval (0 in the middle)</TableHead><TableHead className="text-right">p</TableHead><TableHead className="text-right">Horizon</TableHead><TableHead>Status</TableHead></TableRow></TableHeader>
              <TableBody>
                {c.metrics.map((m) => {
                  const row = intervalRows([m])[0];
                  return (
                    <TableRow key={m.metric} data-testid="ab-metric">
                      <TableCell className="min-w-44 whitespace-normal text-sm">{LABEL[m.metric]}{m.metric === ab.settings.metric ? <span className="text-xs text-muted-foreground"> (decides)</span> : null}<div className="text-xs text-muted-foreground">{m.test}</div></TableCell>
                      <TableCell className="text-right tabular-nums">{value(m.metric, m.baseline.value)}<div className="text-xs text-muted-foreground">n = {m.baseline.n}</div></TableCell>
                      <TableCell className="text-right tabular-nums">{value(m.metric, m.variant.value)}<div className="text-xs text-muted-foreground">n = {m.variant.n}</div></TableCell>
                      <TableCell>{row ? <IntervalBar row={row} /> : <span className="text-xs text-muted-foreground">—</span>}</TableCell>
                      <TableCell className="text-right tabular-nums">{m.p === null ? "—" : m.p < 0.001 ? "< 0.001" : m.p.toFixed(3)}{m.mannWhitneyP !== undefined ? <div className="text-xs text-muted-foreground">M–W {m.mannWhitneyP < 0.001 ? "< 0.001" : m.mannWhitneyP.toFixed(3)}</div> : null}</TableCell>
                      <TableCell className="text-right tabular-nums">{m.required === null ? "—" : `${Math.min(m.baseline.n, m.variant.n)} / ${m.required}`}</TableCell>
                      <TableCell><Badge variant={TONE[m.status]}>{m.status}</Badge></TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          </div>
        </section>
      ))}
      <p className="text-xs text-muted-foreground">Guard against peeking: a fixed horizon. Each metric&apos;s sample size is set by a power analysis (α = {ab.settings.alpha}, power = {ab.settings.power * 100} %, smallest effect {ab.settings.minimumEffect * 100} % of the baseline); no verdict is given before both variants reach it, so looking early cannot produce a false winner. Success and thumbs: chi-square; times and scores: Welch&apos;s t-test, with Mann–Whitney U for skewed latencies. Thumbs and scores come from POST /feedback with the answer&apos;s x-anvil-request-id.</p>
      {canEdit ? (
        <form action={action} className="grid gap-4 rounded-lg border p-4 sm:grid-cols-5" data-testid="experiment-form">
          <h3 className="text-sm font-medium sm:col-span-5">Test settings (saving restarts the test window)</h3>
          <div className="sm:col-span-5"><FormError state={state} /></div>
          {field("metric", "Decide on", <Select id="metric" name="metric" defaultValue={s.metric ?? ab.settings.metric}>{Object.entries(LABEL).map(([k, l]) => <option key={k} value={k}>{l}</option>)}</Select>)}
          {field("minimumEffect", "Smallest effect (%)", <Input id="minimumEffect" name="minimumEffect" type="number" step="0.5" min={0.5} defaultValue={s.minimumEffect ?? String(ab.settings.minimumEffect * 100)} />)}
          {field("alpha", "α", <Input id="alpha" name="alpha" type="number" step="0.01" min={0.001} max={0.2} defaultValue={s.alpha ?? String(ab.settings.alpha)} />)}
          {field("power", "Power (%)", <Input id="power" name="power" type="number" step="1" min={50} max={99} defaultValue={s.power ?? String(ab.settings.power * 100)} />)}
          <label className="flex items-end gap-2 pb-2 text-sm"><input type="checkbox" name="autoPromote" defaultChecked={ab.settings.autoPromote} className="size-4" />Promote the winner by itself</label>
          <div className="sm:col-span-5"><SubmitButton variant="outline" pendingText="Saving…">Save and restart the test</SubmitButton></div>
        </form>
      ) : null}
    </div>
  );
}

/** The difference as a dot on its interval, zero in the middle; green when the interval clears zero. */
function IntervalBar({ row }: { row: ReturnType<typeof intervalRows>[number] }) {
  const color = row.clearOfZero ? "var(--success)" : "var(--muted-foreground)";
  return (
    <div className="flex flex-col gap-0.5">
      <svg viewBox="0 0 100 14" preserveAspectRatio="none" className="h-3.5 w-full" role="img" aria-label={`${row.diff.toFixed(2)}${row.unit} (${row.lo.toFixed(2)} to ${row.hi.toFixed(2)})`}>
        <line x1="50" x2="50" y1="0" y2="14" stroke="var(--border)" strokeWidth="1" />
        <line x1={row.x.lo * 100} x2={row.x.hi * 100} y1="7" y2="7" stroke={color} strokeWidth="2" />
        <rect x={row.x.diff * 100 - 1} y="1" width="2" height="12" fill={color} />
      </svg>
      <span className="text-xs tabular-nums text-muted-foreground" >{row.diff > 0 ? "+" : ""}{row.diff.toFixed(2)}{row.unit} [{row.lo.toFixed(2)}, {row.hi.toFixed(2)}]</span>
    </div>
  );
}
