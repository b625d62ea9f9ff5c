import Link from "next/link";
import { formatNumber } from "@/lib/utils";
import type { ExecutionView } from "@/server/pipelines/task-views";

const PHASES = [["OPTIMIZING", "Optimize data"], ["TRAINING", "Train"], ["EVALUATING", "Evaluate"]] as const;
const STATUS_TONE: Record<string, string> = { RUNNING: "text-sky-600 dark:text-sky-400", SUCCEEDED: "text-emerald-600 dark:text-emerald-400", FAILED: "text-destructive", CANCELLED: "text-amber-600", SUSPENDED: "text-amber-600" };

function duration(e: ExecutionView) {
  if (!e.finishedAt) return null;
  const s = (new Date(e.finishedAt).getTime() - new Date(e.startedAt).getTime()) / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.round(s / 60)} min`;
}

type Report = { metrics?: { accuracy?: number; macroF1?: number; perClass?: Record<string, { precision: number; recall: number; f1: number; support: number }> }; badCases?: Array<{ values: number[]; label: string; predicted: string }>; suggestions?: Array<{ action: string; label?: string; recall?: number }>; scoredOn?: string };

/** Every iteration: its three phases with their runs, datasets, model and report. */
export function Iterations({ org, executions }: { org: string; executions: ExecutionView[] }) {
  const iterations = [...new Set(executions.map((e) => e.iteration))].sort((a, b) => b - a);
  if (iterations.length === 0) return <p className="text-sm text-muted-foreground">Nothing has run yet: start the task and its first iteration shows here.</p>;
  const artifact = (runId: string, path: string) => `/api/v1/runs/${runId}/artifacts/${path.split("/").map(encodeURIComponent).join("/")}?org=${encodeURIComponent(org)}`;
  const version = (v: NonNullable<ExecutionView["outputVersion"]>) => <Link className="hover:underline" href={`/${org}/datasets/${v.datasetId}?v=${v.version}`}>{v.dataset} v{v.version}</Link>;
  return (
    <ol className="flex flex-col gap-3" data-testid="iterations">
      {iterations.map((it) => {
        const of = (phase: string) => executions.find((e) => e.iteration === it && e.phase === phase);
        const evaluation = of("EVALUATING");
        const report = (evaluation?.report ?? null) as Report | null;
        return (
          <li key={it} className="rounded-lg border p-3" data-testid="iteration" data-iteration={it}>
            <div className="mb-2 flex flex-wrap items-baseline justify-between gap-2">
              <h3 className="text-sm font-semibold">Iteration {it}</h3>
              {evaluation?.score !== null && evaluation?.score !== undefined ? <span className="text-sm">score <span className="font-mono tabular-nums" data-testid="iteration-score">{formatNumber(evaluation.score)}</span></span> : null}
            </div>
            <div className="grid gap-2 md:grid-cols-3">
              {PHASES.map(([phase, title]) => {
                const e = of(phase);
                return (
                  <div key={phase} className="flex flex-col gap-1 rounded-md bg-muted/40 p-2 text-xs" data-testid={`phase-${phase}`}>
                    <div className="flex justify-between gap-2"><span className="font-medium">{title}</span>
                      {e ? <span className={STATUS_TONE[e.status]}>{e.status.toLowerCase()}{duration(e) ? ` · ${duration(e)}` : ""}</span> : <span className="text-muted-foreground">not yet</span>}</div>
                    {e?.message ? <p className="text-muted-foreground">{e.message}</p> : null}
                    {e ? (
                      <div className="flex flex-wrap gap-x-3 gap-y-1">
                        {e.run ? <Link className="text-primary hover:underline" href={`/${org}/training/${e.run.id}`}>run</Link> : null}
                        {e.serviceUrl ? <span title={`job ${e.remoteId ?? "not started"}`}>on {new URL(e.serviceUrl).host}</span> : null}
                        {phase !== "EVALUATING" && e.inputVersion ? <span>in: {version(e.inputVersion)}</span> : null}
                        {e.outputVersion ? <span>out: {version(e.outputVersion)}</span> : null}
                        {e.modelArtifact && e.run ? <a className="text-primary hover:underline" href={artifact(e.run.id, e.modelArtifact)}>model</a> : null}
                        {e.report && e.run ? <a className="text-primary hover:underline" href={artifact(e.run.id, "report/report.json")}>report (JSON)</a> : null}
                      </div>
                    ) : null}
                  </div>
                );
              })}
            </div>
            {report ? <ReportDetails report={report} /> : null}
          </li>
        );
      })}
    </ol>
  );
}

function ReportDetails({ report }: { report: Report }) {
  const perClass = Object.entries(report.metrics?.perClass ?? {});
  return (
    <details className="mt-2 text-xs" data-testid="report">
      <summary className="cursor-pointer text-muted-foreground hover:text-foreground">
        Report: accuracy {formatNumber(report.metrics?.accuracy ?? NaN)}, macro-F1 {formatNumber(report.metrics?.macroF1 ?? NaN)} on {report.scoredOn ?? "held-out data"}; {report.badCases?.length ?? 0} bad cases, {report.suggestions?.length ?? 0} suggestions
      </summary>
      <div className="mt-2 grid gap-3 md:grid-cols-2">
        <table className="w-full">
          <thead><tr className="text-left text-muted-foreground"><th>class</th><th className="text-right">precision</th><th className="text-right">recall</th><th className="text-right">F1</th><th className="text-right">n</th></tr></thead>
          <tbody>{perClass.map(([c, m]) => <tr key={c}><td>{c}</td><td className="text-right tabular-nums">{formatNumber(m.precision)}</td><td className="text-right tabular-nums">{formatNumber(m.recall)}</td><td className="text-right tabular-nums">{formatNumber(m.f1)}</td><td className="text-right tabular-nums">{m.support}</td></tr>)}</tbody>
        </table>
        <div className="flex flex-col gap-1">
          <p className="font-medium">Suggestions for the next optimization</p>
          {report.suggestions?.length ? <ul className="list-disc pl-4">{report.suggestions.map((s, i) => <li key={i} className="font-mono">{s.action}{s.label ? ` ${s.label}` : ""}{s.recall !== undefined ? ` (recall ${formatNumber(s.recall)})` : ""}</li>)}</ul> : <p className="text-muted-foreground">None: every class is recalled at 0.9 or better.</p>}
          {report.badCases?.length ? <p className="font-medium">Bad cases (first {Math.min(5, report.badCases.length)} of {report.badCases.length})</p> : null}
          <ul className="font-mono">{report.badCases?.slice(0, 5).map((b, i) => <li key={i}>[{b.values.join(", ")}] is {b.label}, predicted {b.predicted}</li>)}</ul>
        </div>
      </div>
    </details>
  );
}
