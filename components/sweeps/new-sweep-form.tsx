"use client";

import { Plus, Trash2 } from "lucide-react";
import { useActionState, useState } from "react";
import { createSweepAction } from "@/app/(app)/[org]/training/sweeps/actions";
import { FieldError, FormError, SubmitButton } from "@/components/forms/form-parts";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { initialFormState } from "@/lib/form-state";
import type { ClusterOption, TemplateOption } from "@/components/training/new-job-form";

interface Row { name: string; type: "uniform" | "loguniform" | "int" | "choice"; low: string; high: string; values: string }

const IRIS_SPACE: Row[] = [
  { name: "lr", type: "loguniform", low: "0.01", high: "2", values: "" },
  { name: "hidden", type: "int", low: "0", high: "16", values: "" },
];

/** Rows → the space the API takes; numbers in choices become numbers. */
function toSpace(rows: Row[]) {
  return rows.filter((r) => r.name.trim()).map((r) => r.type === "choice"
    ? { name: r.name.trim(), type: r.type, values: r.values.split(",").map((v) => v.trim()).filter(Boolean).map((v) => (v !== "" && Number.isFinite(Number(v)) ? Number(v) : v === "true" ? true : v === "false" ? false : v)) }
    // A blank bound is NaN, which the API refuses by name, rather than a silent 0.
    : { name: r.name.trim(), type: r.type, low: r.low.trim() === "" ? NaN : Number(r.low), high: r.high.trim() === "" ? NaN : Number(r.high) });
}

export function NewSweepForm({ org, templates, projects, clusters, canRunCommands }: { org: string; templates: TemplateOption[]; projects: Array<{ id: string; name: string }>; clusters: ClusterOption[]; canRunCommands: boolean }) {
  const [state, action] = useActionState(createSweepAction.bind(null, org), initialFormState);
  const v = state.values ?? {};
  const [rows, setRows] = useState<Row[]>(IRIS_SPACE);
  const [target, setTarget] = useState(v.target || "local");
  const [templateId, setTemplateId] = useState(v.template || "iris-softmax");
  const [algorithm, setAlgorithm] = useState(v.algorithm || "tpe");
  const set = (i: number, patch: Partial<Row>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const two = algorithm === "nsga2";
  return (
    <form action={action} className="flex flex-col gap-6">
      <FormError state={state} />
      <input type="hidden" name="space" value={JSON.stringify(toSpace(rows))} />
      <Card>
        <CardHeader><CardTitle className="text-base">Trials run this job</CardTitle><CardDescription>Every trial is a training job with these settings and the params below; its metrics decide what is tried next.</CardDescription></CardHeader>
        <CardContent className="grid gap-4 sm:grid-cols-2">
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="name">Sweep name</Label>
            <Input id="name" name="name" required defaultValue={v.name ?? "iris-lr-search"} />
            <FieldError state={state} name="name" />
          </div>
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="projectId">Project</Label>
            <Select id="projectId" name="projectId" defaultValue={v.projectId}>{projects.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}</Select>
          </div>
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="target">Run on</Label>
            <Select id="target" name="target" value={target} onChange={(e) => setTarget(e.target.value)}>
              <option value="local">This machine (local executor)</option>
              {clusters.map((c) => <option key={c.id} value={c.id}>{`${c.name} — ${c.kind === "ray" ? "Ray cluster" : "KubeRay on Kubernetes"}`}</option>)}
            </Select>
          </div>
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="template">Template</Label>
            <Select id="template" name="template" value={templateId} onChange={(e) => setTemplateId(e.target.value)}>
              {templates.map((t) => <option key={t.id} value={t.id} disabled={t.runsOn === "cluster" && target === "local"}>{t.name}</option>)}
              <option value="custom" disabled={target === "local" && !canRunCommands}>Custom command…</option>
            </Select>
          </div>
          {templateId === "custom" ? (
            <div className="flex flex-col gap-1.5 sm:col-span-2">
              <Label htmlFor="command">Command</Label>
              <Textarea id="command" name="command" rows={2} className="font-mono" defaultValue={v.command} placeholder="python train.py" />
              <FieldError state={state} name="command" />
            </div>
          ) : null}
          <div className="flex flex-col gap-1.5 sm:col-span-2">
            <Label htmlFor="hyperparameters">Fixed hyperparameters</Label>
            <Textarea id="hyperparameters" name="hyperparameters" rows={3} className="font-mono" defaultValue={v.hyperparameters ?? "epochs = 30\nepoch_delay_ms = 0\ncheckpoint_every = 0"} />
            <p className="text-xs text-muted-foreground">The same for every trial (<span className="font-mono">name = value</span> per line); the template&apos;s defaults fill the rest.</p>
            <FieldError state={state} name="hyperparameters" />
          </div>
        </CardContent>
      </Card>
      <Card>
        <CardHeader><CardTitle className="text-base">Search space</CardTitle><CardDescription>What each trial varies. Log-uniform suits learning rates; choices take a comma-separated list.</CardDescription></CardHeader>
        <CardContent className="flex flex-col gap-3">
          {rows.map((r, i) => (
            <div key={i} className="grid grid-cols-2 items-end gap-2 sm:grid-cols-[1fr_10rem_1fr_1fr_auto]" data-testid="space-row">
              <div className="flex flex-col gap-1"><Label htmlFor={`p-name-${i}`}>Parameter</Label><Input id={`p-name-${i}`} value={r.name} onChange={(e) => set(i, { name: e.target.value })} className="font-mono" /></div>
              <div className="flex flex-col gap-1"><Label htmlFor={`p-type-${i}`}>Distribution</Label>
                <Select id={`p-type-${i}`} value={r.type} onChange={(e) => set(i, { type: e.target.value as Row["type"] })}>
                  <option value="uniform">uniform</option><option value="loguniform">log-uniform</option><option value="int">integer</option><option value="choice">choice</option>
                </Select>
              </div>
              {r.type === "choice" ? (
                <div className="col-span-2 flex flex-col gap-1"><Label htmlFor={`p-values-${i}`}>Values</Label><Input id={`p-values-${i}`} value={r.values} onChange={(e) => set(i, { values: e.target.value })} placeholder="adam, sgd" className="font-mono" /></div>
              ) : (
                <>
                  <div className="flex flex-col gap-1"><Label htmlFor={`p-low-${i}`}>From</Label><Input id={`p-low-${i}`} type="number" step="any" value={r.low} onChange={(e) => set(i, { low: e.target.value })} /></div>
                  <div className="flex flex-col gap-1"><Label htmlFor={`p-high-${i}`}>To</Label><Input id={`p-high-${i}`} type="number" step="any" value={r.high} onChange={(e) => set(i, { high: e.target.value })} /></div>
                </>
              )}
              <Button type="button" variant="ghost" size="icon" aria-label={`Remove ${r.name || "parameter"}`} onClick={() => setRows(rows.filter((_, j) => j !== i))}><Trash2 className="size-4" aria-hidden /></Button>
            </div>
          ))}
          <div><Button type="button" variant="outline" size="sm" onClick={() => setRows([...rows, { name: "", type: "uniform", low: "0", high: "1", values: "" }])}><Plus className="size-4" aria-hidden />Add a parameter</Button></div>
          <FieldError state={state} name="space" />
        </CardContent>
      </Card>
      <Card>
        <CardHeader><CardTitle className="text-base">Objective and search</CardTitle><CardDescription>The metric each trial logs that decides; its last value counts. Two objectives (NSGA-II) give a Pareto front.</CardDescription></CardHeader>
        <CardContent className="grid gap-4 sm:grid-cols-4">
          <div className="flex flex-col gap-1.5 sm:col-span-2"><Label htmlFor="metric1">Metric</Label><Input id="metric1" name="metric1" defaultValue={v.metric1 ?? "val/loss"} className="font-mono" /><FieldError state={state} name="metric" /></div>
          <div className="flex flex-col gap-1.5"><Label htmlFor="goal1">Goal</Label><Select id="goal1" name="goal1" defaultValue={v.goal1 ?? "minimize"}><option value="minimize">minimize</option><option value="maximize">maximize</option></Select></div>
          <div className="flex flex-col gap-1.5"><Label htmlFor="algorithm">Algorithm</Label>
            <Select id="algorithm" name="algorithm" value={algorithm} onChange={(e) => setAlgorithm(e.target.value)}>
              <option value="tpe">TPE (Bayesian)</option><option value="random">Random</option><option value="grid">Grid</option><option value="nsga2">NSGA-II (two objectives)</option>
            </Select>
            <FieldError state={state} name="algorithm" />
          </div>
          {two ? (
            <>
              <div className="flex flex-col gap-1.5 sm:col-span-2"><Label htmlFor="metric2">Second metric</Label><Input id="metric2" name="metric2" defaultValue={v.metric2 ?? "model/parameters"} className="font-mono" /><FieldError state={state} name="objectives" /></div>
              <div className="flex flex-col gap-1.5"><Label htmlFor="goal2">Goal</Label><Select id="goal2" name="goal2" defaultValue={v.goal2 ?? "minimize"}><option value="minimize">minimize</option><option value="maximize">maximize</option></Select></div>
              <div />
            </>
          ) : null}
          <div className="flex flex-col gap-1.5"><Label htmlFor="maxTrials">Trials</Label><Input id="maxTrials" name="maxTrials" type="number" min={1} max={500} defaultValue={v.maxTrials ?? "20"} /><FieldError state={state} name="maxTrials" /></div>
          <div className="flex flex-col gap-1.5"><Label htmlFor="parallelism">At once</Label><Input id="parallelism" name="parallelism" type="number" min={1} max={32} defaultValue={v.parallelism ?? "2"} /><FieldError state={state} name="parallelism" /></div>
          <div className="flex flex-col gap-1.5"><Label htmlFor="seed">Seed</Label><Input id="seed" name="seed" type="number" min={0} defaultValue={v.seed ?? "0"} /><FieldError state={state} name="seed" /></div>
          <div className="flex flex-col gap-1.5"><Label htmlFor="minStep">Early stopping from step</Label><Input id="minStep" name="minStep" type="number" min={0} defaultValue={v.minStep ?? "5"} /><FieldError state={state} name="earlyStopping" /></div>
          <div className="flex flex-col gap-1.5 sm:col-span-3"><Label htmlFor="earlyStopping">Early stopping</Label>
            <Select id="earlyStopping" name="earlyStopping" defaultValue={v.earlyStopping ?? "off"}>
              <option value="off">None: every trial runs to the end</option>
              <option value="median">Median rule: stop a trial worse than the median of finished ones at its step</option>
              <option value="asha">ASHA: at steps s, 3s, 9s… keep the best third</option>
            </Select>
          </div>
        </CardContent>
      </Card>
      <div><SubmitButton pendingText="Starting…">Start sweep</SubmitButton></div>
    </form>
  );
}
