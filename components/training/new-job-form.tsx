"use client";

import { useActionState, useState } from "react";
import { submitJobAction } from "@/app/(app)/[org]/training/actions";
import { FieldError, FormError, SubmitButton } from "@/components/forms/form-parts";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { initialFormState } from "@/lib/form-state";
import { formatHyperparameters } from "@/lib/hyperparameters";

interface Template { id: string; name: string; description: string; framework: string; command: string; hyperparameters: Record<string, number | string> }

/** `canRunCommands`: may run arbitrary commands on this machine (admins, or members allowed by one). */
export function NewJobForm({ org, templates, projects, canRunCommands }: { org: string; templates: Template[]; projects: Array<{ id: string; name: string }>; canRunCommands: boolean }) {
  const [state, action] = useActionState(submitJobAction.bind(null, org), initialFormState);
  const v = state.values ?? {};
  const [templateId, setTemplateId] = useState(v.template || templates[0]?.id || "custom");
  const template = templates.find((t) => t.id === templateId);
  // Uncontrolled, re-mounted per template (key): text typed before hydration is never clobbered,
  // and choosing another template starts from that template's defaults.
  // After a refused submit, React resets the form to its defaults: the defaults are then what was sent.
  const hyperDefault = v.hyperparameters !== undefined && (v.template || "custom") === templateId
    ? v.hyperparameters
    : template ? formatHyperparameters(template.hyperparameters) : "";
  const chooseTemplate = (id: string) => setTemplateId(id);

  return (
    <form action={action} className="flex flex-col gap-6">
      <FormError state={state} />
      <Card>
        <CardHeader><CardTitle className="text-base">Job</CardTitle></CardHeader>
        <CardContent className="grid gap-4 sm:grid-cols-2">
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="name">Name</Label>
            <Input id="name" name="name" required defaultValue={v.name ?? (template ? `${template.id}-${new Date().toISOString().slice(5, 16).replace(/[-:T]/g, "")}` : "")} aria-invalid={state.fieldErrors?.name ? true : undefined} />
            <FieldError state={state} name="name" />
          </div>
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="projectId">Project</Label>
            <Select id="projectId" name="projectId" defaultValue={v.projectId}>
              {projects.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
            </Select>
          </div>
          <div className="flex flex-col gap-1.5 sm:col-span-2">
            <Label htmlFor="template">Template</Label>
            <Select id="template" name="template" value={templateId} onChange={(e) => chooseTemplate(e.target.value)}>
              {templates.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
              <option value="custom" disabled={!canRunCommands}>{canRunCommands ? "Custom command…" : "Custom command… (needs an admin's permission to run commands here)"}</option>
            </Select>
            <p className="text-xs text-muted-foreground">
              {template ? <>{template.description} <span className="font-mono">{template.command}</span></> : "Any shell command, run on this machine in a fresh working directory (with examples/ in it) that is deleted when the job ends. It receives ANVIL_URL, ANVIL_RUN_ID, ANVIL_RUN_TOKEN and ANVIL_PARAMS, and none of Anvil's own secrets."}
            </p>
          </div>
          {templateId === "custom" ? (
            <div className="flex flex-col gap-1.5 sm:col-span-2">
              <Label htmlFor="command">Command</Label>
              <Textarea id="command" name="command" rows={2} className="font-mono" defaultValue={v.command} placeholder="python train.py --epochs 10" />
              <FieldError state={state} name="command" />
            </div>
          ) : null}
          <div className="flex flex-col gap-1.5 sm:col-span-2">
            <Label htmlFor="hyperparameters">Hyperparameters</Label>
            <Textarea key={templateId} id="hyperparameters" name="hyperparameters" rows={6} className="font-mono" defaultValue={hyperDefault} placeholder={"lr = 0.01\nepochs = 10"} />
            <p className="text-xs text-muted-foreground">One <span className="font-mono">name = value</span> per line; the job reads them as JSON from ANVIL_PARAMS and they are recorded as the run&apos;s params.</p>
            <FieldError state={state} name="hyperparameters" />
          </div>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle className="text-base">Resources</CardTitle>
          <CardDescription>Recorded with the job. The local executor runs on this machine; GPU pools and quotas arrive with the scheduler.</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4 sm:grid-cols-4">
          <NumberField state={state} name="gpuCount" label="GPUs" defaultValue={v.gpuCount || "0"} min={0} step={1} />
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="gpuType">GPU type</Label>
            <Input id="gpuType" name="gpuType" placeholder="any" defaultValue={v.gpuType} />
          </div>
          <NumberField state={state} name="cpu" label="CPU cores" defaultValue={v.cpu || "1"} min={0.1} step={0.1} />
          <NumberField state={state} name="memoryGb" label="Memory (GiB)" defaultValue={v.memoryGb || "2"} min={0.1} step={0.1} />
        </CardContent>
      </Card>
      <div><SubmitButton pendingText="Submitting…">Submit job</SubmitButton></div>
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
