"use client";

import { startTransition, useActionState, useState } from "react";
import { submitJobAction } from "@/app/(app)/[org]/training/actions";
import { FieldError, FormError, SubmitButton } from "@/components/forms/form-parts";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { initialFormState } from "@/lib/form-state";
import { formatHyperparameters } from "@/lib/hyperparameters";

interface Distributed { workers: number; gpusPerWorker: number; cpusPerWorker: number; memoryGbPerWorker: number }
export interface TemplateOption {
  id: string; name: string; description: string; framework: string; command: string; runsOn: "anywhere" | "cluster";
  hyperparameters: Record<string, number | string>; pip: string[]; distributed: Distributed | null;
}
export interface ClusterOption { id: string; name: string; kind: string; health: string }
/** A job's settings to start from (clone), and a checkpoint to resume from. */
export interface JobPrefill {
  name?: string; projectId?: string; template?: string; command?: string; hyperparameters?: Record<string, unknown>; clusterId?: string;
  resources?: { gpuType?: string; gpuCount?: number; cpu?: number; memoryGb?: number }; distributed?: Distributed;
  runtimeEnv?: { env?: Record<string, string>; pip?: string[]; workingDir?: string }; resume?: { runId: string; path: string };
  queue?: string; priority?: number;
}

interface Props {
  org: string; templates: TemplateOption[]; projects: Array<{ id: string; name: string }>; clusters: ClusterOption[];
  /** The organization's GPU queues; empty = GPU jobs are not queued. */
  queues?: Array<{ name: string; isDefault: boolean }>;
  /** May run arbitrary commands on this machine (admins, or members allowed by one). */
  canRunCommands: boolean;
  canUseClusters: boolean;
  prefill?: JobPrefill;
}

export function NewJobForm({ org, templates, projects, clusters, queues = [], canRunCommands, canUseClusters, prefill = {} }: Props) {
  const [state, action, submitting] = useActionState(submitJobAction.bind(null, org), initialFormState);
  const v = state.values ?? {};
  const [target, setTarget] = useState(v.target || prefill.clusterId || "local");
  const [templateId, setTemplateId] = useState(v.template || prefill.template || (prefill.command ? "custom" : templates[0]?.id) || "custom");
  const template = templates.find((t) => t.id === templateId);
  const onCluster = target !== "local";
  const customAllowed = onCluster ? canUseClusters : canRunCommands;
  // Uncontrolled, re-mounted per template (key): text typed before hydration is never clobbered,
  // and choosing another template starts from that template's defaults.
  const hyperDefault = v.hyperparameters !== undefined && (v.template || "custom") === templateId
    ? v.hyperparameters
    : prefill.hyperparameters && (prefill.template ?? "custom") === templateId ? formatHyperparameters(prefill.hyperparameters)
    : template ? formatHyperparameters(template.hyperparameters) : "";
  const dist = prefill.distributed ?? template?.distributed ?? undefined;
  const distKey = `${templateId}-${target}`;

  return (
    // Submitted by hand, not through `action`: React resets a form after its action, which would
    // put the controlled selects back to their first option while the fields they show stay.
    <form className="flex flex-col gap-6" onSubmit={(e) => {
      e.preventDefault();
      const data = new FormData(e.currentTarget);
      startTransition(() => action(data));
    }}>
      <FormError state={state} />
      {prefill.resume ? <><input type="hidden" name="resumeRunId" value={prefill.resume.runId} /><input type="hidden" name="resumePath" value={prefill.resume.path} /></> : null}
      {prefill.resume ? (
        <Alert>
          <AlertDescription><p>Resumes from the checkpoint <span className="font-mono">{prefill.resume.path}</span>: it is copied into the new job, which finds it through <span className="font-mono">ANVIL_RESUME_FROM</span>.</p></AlertDescription>
        </Alert>
      ) : null}
      <Card>
        <CardHeader><CardTitle className="text-base">Job</CardTitle></CardHeader>
        <CardContent className="grid gap-4 sm:grid-cols-2">
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="name">Name</Label>
            <Input id="name" name="name" required defaultValue={v.name ?? prefill.name ?? (template ? `${template.id}-${new Date().toISOString().slice(5, 16).replace(/[-:T]/g, "")}` : "")} aria-invalid={state.fieldErrors?.name ? true : undefined} />
            <FieldError state={state} name="name" />
          </div>
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="projectId">Project</Label>
            <Select id="projectId" name="projectId" defaultValue={v.projectId ?? prefill.projectId}>
              {projects.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
            </Select>
          </div>
          <div className="flex flex-col gap-1.5 sm:col-span-2">
            <Label htmlFor="target">Run on</Label>
            <Select id="target" name="target" value={target} onChange={(e) => setTarget(e.target.value)}>
              <option value="local">This machine (local executor)</option>
              {clusters.map((c) => (
                <option key={c.id} value={c.id} disabled={!canUseClusters}>{`${c.name} — ${c.kind === "ray" ? "Ray cluster" : "KubeRay on Kubernetes"}${c.health === "unhealthy" ? " (not answering)" : ""}`}</option>
              ))}
            </Select>
            <p className="text-xs text-muted-foreground">
              {clusters.length === 0 ? <>No clusters registered yet: <a className="underline" href={`/${org}/clusters`}>Clusters</a> adds a Ray dashboard or a Kubernetes API server with KubeRay.</>
                : onCluster ? "Submitted to the cluster's Ray Jobs API under the run's own id; logs and metrics come back here." : "Runs on the machine Anvil runs on, sandboxed."}
            </p>
          </div>
          <div className="flex flex-col gap-1.5 sm:col-span-2">
            <Label htmlFor="template">Template</Label>
            <Select id="template" name="template" value={templateId} onChange={(e) => setTemplateId(e.target.value)}>
              {templates.map((t) => <option key={t.id} value={t.id} disabled={t.runsOn === "cluster" && !onCluster}>{t.runsOn === "cluster" && !onCluster ? `${t.name} (on a cluster)` : t.name}</option>)}
              <option value="custom" disabled={!customAllowed}>{customAllowed ? "Custom command…" : "Custom command… (needs an admin's permission to run commands here)"}</option>
            </Select>
            <p className="text-xs text-muted-foreground">
              {template ? <>{template.description} <span className="font-mono">{template.command}</span></>
                : onCluster ? "Any shell command: the Ray job's entrypoint. It receives ANVIL_URL, ANVIL_RUN_ID, ANVIL_RUN_TOKEN and ANVIL_PARAMS in its environment."
                : "Any shell command, run on this machine in a fresh working directory (with examples/ in it) that is deleted when the job ends. It receives ANVIL_URL, ANVIL_RUN_ID, ANVIL_RUN_TOKEN and ANVIL_PARAMS, and none of Anvil's own secrets."}
            </p>
          </div>
          {templateId === "custom" ? (
            <div className="flex flex-col gap-1.5 sm:col-span-2">
              <Label htmlFor="command">{onCluster ? "Entrypoint" : "Command"}</Label>
              <Textarea id="command" name="command" rows={2} className="font-mono" defaultValue={v.command ?? prefill.command} placeholder="python train.py --epochs 10" />
              <FieldError state={state} name="command" />
            </div>
          ) : null}
          <div className="flex flex-col gap-1.5 sm:col-span-2">
            <Label htmlFor="hyperparameters">Hyperparameters</Label>
            <Textarea key={templateId} id="hyperparameters" name="hyperparameters" rows={5} className="font-mono" defaultValue={hyperDefault} placeholder={"lr = 0.01\nepochs = 10"} />
            <p className="text-xs text-muted-foreground">One <span className="font-mono">name = value</span> per line; the job reads them as JSON from ANVIL_PARAMS and they are recorded as the run&apos;s params.</p>
            <FieldError state={state} name="hyperparameters" />
          </div>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle className="text-base">Resources</CardTitle>
          <CardDescription>{onCluster ? "What the entrypoint (Ray's driver) asks for; distributed workers are sized below." : "Recorded with the job; the local executor runs it on this machine."}</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4 sm:grid-cols-4">
          <NumberField state={state} name="gpuCount" label="GPUs" defaultValue={v.gpuCount || String(prefill.resources?.gpuCount ?? 0)} min={0} step={1} />
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="gpuType">GPU type</Label>
            <Input id="gpuType" name="gpuType" placeholder="any (e.g. A100)" defaultValue={v.gpuType ?? prefill.resources?.gpuType} />
          </div>
          <NumberField state={state} name="cpu" label="CPU cores" defaultValue={v.cpu || String(prefill.resources?.cpu ?? 1)} min={0.1} step={0.1} />
          <NumberField state={state} name="memoryGb" label="Memory (GiB)" defaultValue={v.memoryGb || String(prefill.resources?.memoryGb ?? 2)} min={0.1} step={0.1} />
          {queues.length > 0 ? (
            <>
              <div className="flex flex-col gap-1.5 sm:col-span-2">
                <Label htmlFor="queue">Queue (GPU jobs)</Label>
                <Select id="queue" name="queue" defaultValue={v.queue ?? prefill.queue ?? ""}>
                  <option value="">{queues.find((q) => q.isDefault) ? `default (${queues.find((q) => q.isDefault)!.name})` : "none: not queued"}</option>
                  {queues.map((q) => <option key={q.name} value={q.name}>{q.name}</option>)}
                </Select>
                <p className="text-xs text-muted-foreground">A job asking for GPUs waits here until its queue&apos;s quota has room.</p>
              </div>
              <NumberField state={state} name="priority" label="Priority (higher first; may preempt lower in its queue)" defaultValue={v.priority || String(prefill.priority ?? 0)} min={0} step={1} />
            </>
          ) : null}
        </CardContent>
      </Card>
      {onCluster ? (
        <>
          <Card key={distKey}>
            <CardHeader>
              <CardTitle className="text-base">Distributed</CardTitle>
              <CardDescription>Workers × GPUs per worker. The launcher or Ray Train reads them as ANVIL_NUM_WORKERS, ANVIL_GPUS_PER_WORKER, …; on KubeRay they size the job&apos;s Ray cluster. 0 workers = a single process.</CardDescription>
            </CardHeader>
            <CardContent className="grid gap-4 sm:grid-cols-4">
              <NumberField state={state} name="workers" label="Workers" defaultValue={v.workers || String(dist?.workers ?? 0)} min={0} step={1} />
              <NumberField state={state} name="gpusPerWorker" label="GPUs per worker" defaultValue={v.gpusPerWorker || String(dist?.gpusPerWorker ?? 0)} min={0} step={1} />
              <NumberField state={state} name="cpusPerWorker" label="CPUs per worker" defaultValue={v.cpusPerWorker || String(dist?.cpusPerWorker ?? 1)} min={0.1} step={0.1} />
              <NumberField state={state} name="memoryGbPerWorker" label="Memory per worker (GiB)" defaultValue={v.memoryGbPerWorker || String(dist?.memoryGbPerWorker ?? 4)} min={0.1} step={0.1} />
            </CardContent>
          </Card>
          <Card key={`env-${distKey}`}>
            <CardHeader>
              <CardTitle className="text-base">Runtime environment</CardTitle>
              <CardDescription>Ray installs the packages and fetches the working directory on the cluster for this job only.</CardDescription>
            </CardHeader>
            <CardContent className="grid gap-4 sm:grid-cols-2">
              <div className="flex flex-col gap-1.5">
                <Label htmlFor="pip">pip packages</Label>
                <Textarea id="pip" name="pip" rows={3} className="font-mono" defaultValue={v.pip ?? (prefill.runtimeEnv?.pip ?? []).join("\n")} placeholder={template?.pip.length ? `${template.pip.join(", ")} (from the template)\nadd more, one per line` : "torch==2.5.1"} />
                <FieldError state={state} name="pip" />
              </div>
              <div className="flex flex-col gap-1.5">
                <Label htmlFor="env">Environment variables</Label>
                <Textarea id="env" name="env" rows={3} className="font-mono" defaultValue={v.env ?? Object.entries(prefill.runtimeEnv?.env ?? {}).map(([k, val]) => `${k}=${val}`).join("\n")} placeholder="HF_HOME=/mnt/cache" />
                <FieldError state={state} name="env" />
              </div>
              <div className="flex flex-col gap-1.5 sm:col-span-2">
                <Label htmlFor="workingDir">Working directory (URI)</Label>
                <Input id="workingDir" name="workingDir" className="font-mono" defaultValue={v.workingDir ?? prefill.runtimeEnv?.workingDir} placeholder="https://github.com/acme/train/archive/main.zip or s3://bucket/code.zip" />
                <p className="text-xs text-muted-foreground">Empty: the code must already be on the cluster (in its image). The templates&apos; scripts live in <span className="font-mono">examples/</span>.</p>
                <FieldError state={state} name="workingDir" />
              </div>
            </CardContent>
          </Card>
        </>
      ) : null}
      <div><SubmitButton pendingText="Submitting…" busy={submitting}>Submit job</SubmitButton></div>
    </form>
  );
}

function NumberField({ state, name, label, defaultValue, min, step }: { state: typeof initialFormState; name: string; label: string; defaultValue: string; min: number; step: number }) {
  return (
    <div className="flex flex-col gap-1.5">
      <Label htmlFor={name}>{label}</Label>
      <Input id={name} name={name} type="number" min={min} step={step} defaultValue={defaultValue} />
      <FieldError state={state} name={name} />
    </div>
  );
}
