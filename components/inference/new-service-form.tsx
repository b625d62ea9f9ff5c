"use client";

import { useActionState, useState } from "react";
import { createServiceAction } from "@/app/(app)/[org]/inference/actions";
import { FormError, formField, SubmitButton } from "@/components/forms/form-parts";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { initialFormState } from "@/lib/form-state";

export function NewServiceForm({ org, versions, clusters }: { org: string; versions: string[]; clusters: string[] }) {
  const [state, action] = useActionState(createServiceAction.bind(null, org), initialFormState);
  const v = state.values ?? {};
  const [backend, setBackend] = useState(v.backend || (versions.length > 0 ? "process" : "vllm"));
  const process = backend === "process";
  const kube = backend === "kubernetes";
  const field = formField(state);
  return (
    <form action={action} className="flex flex-col gap-6">
      <FormError state={state} />
      <Card>
        <CardHeader><CardTitle className="text-base">Service</CardTitle><CardDescription>Requests to <code>/api/v1/services/&lt;name&gt;/v1/chat/completions</code> go to the replicas, the least loaded first. Anvil checks each every 5 seconds.</CardDescription></CardHeader>
        <CardContent className="grid gap-4 sm:grid-cols-2">
          {field("name", "Name", <Input id="name" name="name" required defaultValue={v.name ?? "tiny-lm"} />, "Lower-case letters, digits and -; it is in the gateway's URL.")}
          {field("backend", "Runs on", (
            <Select id="backend" name="backend" value={backend} onChange={(e) => setBackend(e.target.value)}>
              <option value="process">This machine: Anvil runs the registered model&apos;s server</option>
              <option value="vllm">Endpoints you run (vLLM or a compatible server)</option>
              <option value="kubernetes">Kubernetes: Anvil deploys vLLM in a registered cluster</option>
            </Select>
          ))}
          {kube ? <KubeFields field={field} v={v} clusters={clusters} /> : null}
          {kube ? null : field("model", process ? "Registered version" : "Registered version (optional)", (
            <Select id="model" name="model" defaultValue={v.model ?? (process ? versions[0] ?? "" : "")}>
              {process ? null : <option value="">None</option>}
              {versions.map((x) => <option key={x} value={x}>{x}</option>)}
            </Select>
          ), process ? "The example models (the tiny language model, the Iris classifier) have servers Anvil can run; others go on vLLM endpoints." : "The registry shows where each version is deployed.")}
          {kube ? null : process ? field("replicas", "Replicas", <Input id="replicas" name="replicas" type="number" min={1} max={8} defaultValue={v.replicas ?? "1"} />, "Each is a run on this machine; one that stops is replaced.") : (
            <>
              {field("protocol", "Protocol", (
                <Select id="protocol" name="protocol" defaultValue={v.protocol ?? "openai"}>
                  <option value="openai">OpenAI-compatible (vLLM, the tiny language model)</option>
                  <option value="oip">Open Inference Protocol (KServe v2, the Iris server)</option>
                </Select>
              ))}
              {field("servedModel", "Served model name", <Input id="servedModel" name="servedModel" required defaultValue={v.servedModel ?? "tiny-lm"} />, "What the endpoints serve: vLLM's --served-model-name, or the Iris server's model name.")}
              <div className="sm:col-span-2">{field("endpoints", "Endpoints (one per line)", <Textarea id="endpoints" name="endpoints" rows={3} required className="font-mono text-sm" defaultValue={v.endpoints ?? "http://127.0.0.1:8000"} />, "Base URLs of the replicas, e.g. a vLLM server or node examples/tiny-lm/serve.mjs --model model.json --port 8000.")}</div>
            </>
          )}
          {process || kube ? null : field("upstreamKey", "Upstream API key (optional)", <Input id="upstreamKey" name="upstreamKey" type="password" autoComplete="off" />, "vLLM's --api-key; stored sealed.")}
        </CardContent>
      </Card>
      <div><SubmitButton pendingText="Creating…">Create service</SubmitButton></div>
    </form>
  );
}

/** The kubernetes backend's fields: where, what vLLM loads, and on how many GPUs. */
function KubeFields({ field, v, clusters }: { field: ReturnType<typeof formField>; v: Record<string, string>; clusters: string[] }) {
  if (clusters.length === 0) return <p className="text-sm text-muted-foreground sm:col-span-2">No Kubernetes cluster is registered: an admin adds one under Clusters (its API server, namespace and credentials).</p>;
  return (
    <>
      {field("cluster", "Cluster", <Select id="cluster" name="cluster" defaultValue={v.cluster ?? clusters[0]}>{clusters.map((c) => <option key={c} value={c}>{c}</option>)}</Select>, "Anvil applies a vLLM Deployment, Service and Secret in its namespace.")}
      {field("source", "Model", <Input id="source" name="source" required defaultValue={v.source ?? ""} placeholder="Qwen/Qwen2.5-0.5B-Instruct" />, "What vLLM loads (--model): a Hugging Face id or a path in the image.")}
      {field("servedModel", "Served model name (optional)", <Input id="servedModel" name="servedModel" defaultValue={v.servedModel ?? ""} />, "What clients call it; the service's name by default.")}
      {field("image", "Image (optional)", <Input id="image" name="image" defaultValue={v.image ?? ""} placeholder="vllm/vllm-openai:v0.10.2" />)}
      {field("replicas", "Replicas", <Input id="replicas" name="replicas" type="number" min={1} max={8} defaultValue={v.replicas ?? "1"} />)}
      {field("gpus", "GPUs per replica", <Input id="gpus" name="gpus" type="number" min={0} max={16} defaultValue={v.gpus ?? "1"} />)}
    </>
  );
}
