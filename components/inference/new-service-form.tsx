"use client";

import { useActionState } from "react";
import { createServiceAction } from "@/app/(app)/[org]/inference/actions";
import { FieldError, FormError, SubmitButton } from "@/components/forms/form-parts";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { initialFormState } from "@/lib/form-state";

export function NewServiceForm({ org, versions }: { org: string; versions: string[] }) {
  const [state, action] = useActionState(createServiceAction.bind(null, org), initialFormState);
  const v = state.values ?? {};
  const field = (name: string, label: string, input: React.ReactNode, hint?: string) => (
    <div className="flex flex-col gap-1.5">
      <Label htmlFor={name}>{label}</Label>
      {input}
      {hint ? <p className="text-xs text-muted-foreground">{hint}</p> : null}
      <FieldError state={state} name={name} />
    </div>
  );
  return (
    <form action={action} className="flex flex-col gap-6">
      <FormError state={state} />
      <Card>
        <CardHeader><CardTitle className="text-base">Service</CardTitle><CardDescription>Requests to <code>/api/v1/services/&lt;name&gt;/v1/chat/completions</code> go to the endpoints below, the least loaded first. Anvil checks each every 5 seconds.</CardDescription></CardHeader>
        <CardContent className="grid gap-4 sm:grid-cols-2">
          {field("name", "Name", <Input id="name" name="name" required defaultValue={v.name ?? "tiny-lm"} />, "Lower-case letters, digits and -; it is in the gateway's URL.")}
          {field("protocol", "Protocol", (
            <Select id="protocol" name="protocol" defaultValue={v.protocol ?? "openai"}>
              <option value="openai">OpenAI-compatible (vLLM, the tiny language model)</option>
              <option value="oip">Open Inference Protocol (KServe v2, the Iris server)</option>
            </Select>
          ))}
          {field("servedModel", "Served model name", <Input id="servedModel" name="servedModel" required defaultValue={v.servedModel ?? "tiny-lm"} />, "What the endpoints serve: vLLM's --served-model-name, or the Iris server's model name.")}
          {field("model", "Registered version (optional)", (
            <Select id="model" name="model" defaultValue={v.model ?? ""}>
              <option value="">None</option>
              {versions.map((x) => <option key={x} value={x}>{x}</option>)}
            </Select>
          ), "The registry shows where each version is deployed.")}
          <div className="sm:col-span-2">{field("endpoints", "Endpoints (one per line)", <Textarea id="endpoints" name="endpoints" rows={3} required className="font-mono text-sm" defaultValue={v.endpoints ?? "http://127.0.0.1:8000"} />, "Base URLs of the replicas, e.g. a vLLM server or node examples/tiny-lm/serve.mjs --model model.json --port 8000.")}</div>
          {field("upstreamKey", "Upstream API key (optional)", <Input id="upstreamKey" name="upstreamKey" type="password" autoComplete="off" />, "vLLM's --api-key; stored sealed.")}
        </CardContent>
      </Card>
      <div><SubmitButton pendingText="Creating…">Create service</SubmitButton></div>
    </form>
  );
}
