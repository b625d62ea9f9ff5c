"use client";

import { useActionState, useState } from "react";
import { registerClusterAction } from "@/app/(app)/[org]/clusters/actions";
import { FieldError, FormError, SubmitButton } from "@/components/forms/form-parts";
import { Checkbox } from "@/components/ui/checkbox";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { initialFormState } from "@/lib/form-state";

export interface ExistingCluster { id: string; kind: string; name: string; address: string; namespace: string | null; rayImage: string | null }

/**
 * A Ray dashboard (address + optional token) or a Kubernetes API server with KubeRay. Given an
 * existing cluster, it edits its connection (same kind; credentials are entered again).
 */
export function RegisterClusterForm({ org, existing }: { org: string; existing?: ExistingCluster }) {
  const [state, action] = useActionState(registerClusterAction.bind(null, org, existing?.id ?? null), initialFormState);
  const v: Record<string, string> = { ...(existing ? { kind: existing.kind, name: existing.name, namespace: existing.namespace ?? "", rayImage: existing.rayImage ?? "", ...(existing.kind === "ray" ? { address: existing.address } : { server: existing.address === "in-cluster" ? "" : existing.address, credentialSource: existing.address === "in-cluster" ? "in-cluster" : "token" }) } : {}), ...state.values };
  const [kind, setKind] = useState(v.kind || "ray");
  const [source, setSource] = useState(v.credentialSource || "kubeconfig");
  return (
    <form action={action} className="flex flex-col gap-4">
      <FormError state={state} />
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="kind">Kind</Label>
          <Select id="kind" name="kind" value={kind} onChange={(e) => setKind(e.target.value)} disabled={Boolean(existing)}>
            <option value="ray">Ray cluster (Jobs API of its dashboard)</option>
            <option value="kuberay">Kubernetes with the KubeRay operator (RayJobs)</option>
          </Select>
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="cluster-name">Name</Label>
          <Input id="cluster-name" name="name" required placeholder={kind === "ray" ? "gpu-ray" : "prod-k8s"} defaultValue={v.name} />
          <FieldError state={state} name="name" />
        </div>
      </div>
      {kind === "ray" ? (
        <div className="grid gap-4 sm:grid-cols-2">
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="address">Dashboard address</Label>
            <Input id="address" name="address" required placeholder="http://ray-head:8265" defaultValue={v.address} className="font-mono" />
            <FieldError state={state} name="address" />
          </div>
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="token">Auth token (if Ray token auth is on)</Label>
            <Input id="token" name="token" type="password" autoComplete="off" defaultValue="" />
            <label className="flex items-center gap-2 text-xs text-muted-foreground"><Checkbox name="proxyAuthHeader" defaultChecked={v.proxyAuthHeader === "on"} />Send it as X-Ray-Authorization (behind a proxy that uses Authorization)</label>
          </div>
        </div>
      ) : (
        <div className="flex flex-col gap-4">
          <div className="grid gap-4 sm:grid-cols-3">
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="credentialSource">Credentials</Label>
              <Select id="credentialSource" name="credentialSource" value={source} onChange={(e) => setSource(e.target.value)}>
                <option value="kubeconfig">Paste a kubeconfig</option>
                <option value="token">API server URL + service-account token</option>
                <option value="in-cluster">In-cluster (Anvil runs in this Kubernetes)</option>
              </Select>
            </div>
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="namespace">Namespace</Label>
              <Input id="namespace" name="namespace" defaultValue={v.namespace || "default"} />
              <FieldError state={state} name="namespace" />
            </div>
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="rayImage">Ray image</Label>
              <Input id="rayImage" name="rayImage" defaultValue={v.rayImage || "rayproject/ray:2.52.0"} className="font-mono" />
              <FieldError state={state} name="rayImage" />
            </div>
          </div>
          {source === "kubeconfig" ? (
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="kubeconfig">kubeconfig</Label>
              <Textarea id="kubeconfig" name="kubeconfig" rows={6} className="font-mono text-xs" placeholder="apiVersion: v1&#10;kind: Config&#10;current-context: …" />
              <p className="text-xs text-muted-foreground">Its current context is used: inline certificates and tokens only (exec plugins run on your machine, not here). The namespace above wins over the context&apos;s unless left at “default”.</p>
              <FieldError state={state} name="kubeconfig" />
            </div>
          ) : source === "token" ? (
            <div className="grid gap-4 sm:grid-cols-2">
              <div className="flex flex-col gap-1.5">
                <Label htmlFor="server">API server</Label>
                <Input id="server" name="server" placeholder="https://k8s.example.com:6443" defaultValue={v.server} className="font-mono" />
                <FieldError state={state} name="server" />
              </div>
              <div className="flex flex-col gap-1.5">
                <Label htmlFor="kube-token">Service-account token</Label>
                <Input id="kube-token" name="token" type="password" autoComplete="off" />
              </div>
              <div className="flex flex-col gap-1.5 sm:col-span-2">
                <Label htmlFor="ca">CA certificate (PEM, optional)</Label>
                <Textarea id="ca" name="ca" rows={3} className="font-mono text-xs" placeholder="-----BEGIN CERTIFICATE-----" />
                <FieldError state={state} name="ca" />
                <label className="flex items-center gap-2 text-xs text-muted-foreground"><Checkbox name="insecureSkipTlsVerify" />Skip TLS verification (test clusters only)</label>
              </div>
            </div>
          ) : <p className="text-sm text-muted-foreground">Uses the service account Anvil&apos;s pod runs as; it needs create/get/list/patch/delete on rayjobs.ray.io in the namespace.</p>}
        </div>
      )}
      {existing ? <input type="hidden" name="kind" value={existing.kind} /> : null}
      <p className="text-xs text-muted-foreground">{existing
        ? "Enter the credentials again (they are never shown). Running jobs carry on; Anvil's next call uses the new settings, and it probes the cluster at once."
        : "Credentials are encrypted at rest and never shown again. Anvil probes the cluster as soon as it is registered."}</p>
      <div><SubmitButton pendingText={existing ? "Saving…" : "Registering…"}>{existing ? "Save connection" : "Register cluster"}</SubmitButton></div>
    </form>
  );
}
