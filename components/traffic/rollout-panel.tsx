"use client";

import { useActionState, useState } from "react";
import { rolloutAction, startRolloutAction } from "@/app/(app)/[org]/inference/traffic-actions";
import { FormError, formField, SubmitButton } from "@/components/forms/form-parts";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { formatDateTime } from "@/lib/format-time";
import { initialFormState } from "@/lib/form-state";
import { cn } from "@/lib/utils";
import { rolloutSteps, type RolloutLike } from "./prepare-traffic";

export interface RolloutView extends RolloutLike {
  id: string; strategy: string; baseline: string; candidate: string; statusMessage: string | null; intervalSeconds: number; minRequests: number;
  slo: { maxErrorRate?: number; maxP95LatencyMs?: number; maxP95TtftMs?: number }; createdAt: Date | string; finishedAt: Date | string | null;
  events?: Array<{ id: number; at: Date | string; kind: string; weight: number | null; message: string }>;
}

const STATUS_TONE: Record<string, "success" | "danger" | "neutral" | "info"> = { PROGRESSING: "info", PAUSED: "neutral", PROMOTED: "success", ROLLED_BACK: "danger" };
const STEP_TONE: Record<string, string> = { done: "bg-primary text-primary-foreground", current: "border-2 border-primary animate-pulse", pending: "border text-muted-foreground", "rolled back": "bg-destructive text-white" };

/** The latest rollout: its steps, what the analysis said, its record; actions while it runs; a form to start the next. */
export function RolloutPanel({ org, serviceId, backend, current, history, variants, versions, canEdit }: {
  org: string; serviceId: string; backend: string; current: RolloutView | null; history: RolloutView[]; variants: Array<{ name: string; weight: number }>; versions: string[]; canEdit: boolean;
}) {
  const active = current && (current.status === "PROGRESSING" || current.status === "PAUSED");
  const [error, setError] = useState<string | null>(null);
  const act = (action: "pause" | "resume" | "promote" | "rollback") => void rolloutAction(org, serviceId, current!.id, action).then(setError);
  return (
    <div className="flex flex-col gap-6">
      {current ? (
        <section className="flex flex-col gap-3" data-testid="rollout">
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <Badge variant={STATUS_TONE[current.status] ?? "neutral"} data-testid="rollout-status">{current.status.replace("_", " ").toLowerCase()}</Badge>
            <span>{current.strategy} of <b>{current.candidate}</b> over {current.baseline}</span>
            <span className="text-muted-foreground">· analysis every {current.intervalSeconds} s on at least {current.minRequests} requests · SLO {sloText(current.slo)}</span>
          </div>
          <ol className="flex flex-wrap items-center gap-2" aria-label="Steps">
            {rolloutSteps(current).map((s, i) => (
              <li key={i} className={cn("rounded-full px-3 py-1 text-xs tabular-nums", STEP_TONE[s.state])} data-state={s.state}>{s.label}</li>
            ))}
          </ol>
          <p className="text-sm" data-testid="rollout-message">{current.statusMessage}</p>
          {error ? <p className="text-sm text-destructive" role="alert">{error}</p> : null}
          {active && canEdit ? (
            <div className="flex flex-wrap gap-2">
              {current.status === "PROGRESSING" ? <Button variant="outline" size="sm" onClick={() => act("pause")}>Pause</Button> : <Button variant="outline" size="sm" onClick={() => act("resume")}>Resume</Button>}
              <Button variant="outline" size="sm" onClick={() => act("promote")}>Promote now</Button>
              <Button variant="destructive" size="sm" onClick={() => act("rollback")}>Roll back</Button>
            </div>
          ) : null}
          {current.events?.length ? (
            <ol className="flex flex-col gap-1 border-l pl-4 text-sm" data-testid="rollout-events">
              {current.events.map((e) => (
                <li key={e.id} className="flex flex-wrap gap-x-2">
                  <span className="text-xs tabular-nums text-muted-foreground">{formatDateTime(new Date(e.at))}</span>
                  <span className={cn("font-medium", e.kind === "rollback" && "text-destructive")}>{e.kind}{e.weight !== null ? ` · ${e.weight} %` : ""}</span>
                  <span>{e.message}</span>
                </li>
              ))}
            </ol>
          ) : null}
        </section>
      ) : <p className="text-sm text-muted-foreground">No rollout yet. Start one below: the candidate gets a small share first, and each step is judged against the SLO before the next.</p>}
      {canEdit && !active ? <StartRollout org={org} serviceId={serviceId} backend={backend} variants={variants} versions={versions} /> : null}
      {history.length > 1 ? (
        <section className="flex flex-col gap-1 text-sm">
          <h3 className="font-medium">Earlier rollouts</h3>
          {history.slice(1).map((r) => <p key={r.id} className="text-muted-foreground">{formatDateTime(new Date(r.createdAt))} · {r.strategy} of {r.candidate}: {r.status.replace("_", " ").toLowerCase()} — {r.statusMessage}</p>)}
        </section>
      ) : null}
    </div>
  );
}

function sloText(slo: RolloutView["slo"]) {
  const parts = [slo.maxErrorRate !== undefined ? `errors ≤ ${+(slo.maxErrorRate * 100).toFixed(2)} %` : null, slo.maxP95LatencyMs ? `p95 ≤ ${slo.maxP95LatencyMs} ms` : null, slo.maxP95TtftMs ? `p95 TTFT ≤ ${slo.maxP95TtftMs} ms` : null].filter(Boolean);
  return parts.join(", ") || "none";
}

function StartRollout({ org, serviceId, backend, variants, versions }: { org: string; serviceId: string; backend: string; variants: Array<{ name: string; weight: number }>; versions: string[] }) {
  const [state, action] = useActionState(startRolloutAction.bind(null, org, serviceId, backend), initialFormState);
  const v = state.values ?? {};
  const field = formField(state);
  const idle = variants.filter((x) => x.weight === 0);
  const [strategy, setStrategy] = useState(v.strategy ?? "canary");
  const [candidate, setCandidate] = useState(v.candidate ?? (idle[0]?.name ?? "new"));
  return (
    <form action={action} className="grid gap-4 rounded-lg border p-4 sm:grid-cols-3" data-testid="start-rollout">
      <h3 className="text-sm font-medium sm:col-span-3">Start a rollout</h3>
      <div className="sm:col-span-3"><FormError state={state} /></div>
      {field("strategy", "Strategy", <Select id="strategy" name="strategy" value={strategy} onChange={(e) => setStrategy(e.target.value)}>
        <option value="canary">Canary: steps of traffic</option>
        {backend !== "vllm" ? <option value="rolling">Rolling: one replica at a time</option> : null}
        <option value="blue-green">Blue-green: all at once, one analysis, old kept until then</option>
        <option value="immediate">Immediate: all at once, no analysis</option>
      </Select>)}
      {field("candidate", "Candidate", <Select id="candidate" name="candidate" value={candidate} onChange={(e) => setCandidate(e.target.value)}>
        {idle.map((x) => <option key={x.name} value={x.name}>{x.name} (an existing variant at weight 0)</option>)}
        <option value="new">A new variant…</option>
      </Select>)}
      {strategy === "canary" ? field("steps", "Steps (% of traffic)", <Input id="steps" name="steps" defaultValue={v.steps ?? "5, 10, 25, 50, 100"} />, "Rising, ending at 100.") : <div />}
      {candidate === "new" ? (
        <>
          {field("candidateName", "Variant name", <Input id="candidateName" name="candidateName" required defaultValue={v.candidateName ?? "candidate"} />)}
          {backend === "process" ? field("model", "Registered version", <Select id="model" name="model" defaultValue={v.model ?? versions[0] ?? ""}>{versions.map((x) => <option key={x} value={x}>{x}</option>)}</Select>)
            : backend === "kubernetes" ? field("source", "Model to load", <Input id="source" name="source" required defaultValue={v.source ?? ""} placeholder="Qwen/Qwen2.5-0.5B-Instruct" />)
            : field("servedModel", "Served model name", <Input id="servedModel" name="servedModel" required defaultValue={v.servedModel ?? ""} />)}
          {backend === "vllm" ? field("endpoints", "Endpoints (one per line)", <Textarea id="endpoints" name="endpoints" rows={1} className="font-mono text-sm" defaultValue={v.endpoints ?? ""} />) : <div />}
        </>
      ) : null}
      {field("intervalSeconds", "Analysis every (s)", <Input id="intervalSeconds" name="intervalSeconds" type="number" min={1} defaultValue={v.intervalSeconds ?? "60"} />)}
      {field("minRequests", "Requests needed per analysis", <Input id="minRequests" name="minRequests" type="number" min={1} defaultValue={v.minRequests ?? "20"} />)}
      {field("maxErrorRate", "Roll back above error rate (%)", <Input id="maxErrorRate" name="maxErrorRate" type="number" step="0.1" min={0} max={100} defaultValue={v.maxErrorRate ?? ""} placeholder="the service's SLO, or 5" />)}
      {field("maxP95LatencyMs", "…or p95 latency above (ms)", <Input id="maxP95LatencyMs" name="maxP95LatencyMs" type="number" min={1} defaultValue={v.maxP95LatencyMs ?? ""} />)}
      {field("maxP95TtftMs", "…or p95 time to first token above (ms)", <Input id="maxP95TtftMs" name="maxP95TtftMs" type="number" min={1} defaultValue={v.maxP95TtftMs ?? ""} />)}
      <div className="sm:col-span-3"><SubmitButton pendingText="Starting…">Start rollout</SubmitButton></div>
    </form>
  );
}
