"use server";

import { redirect } from "next/navigation";
import { formText as text, refusedFormState } from "@/server/api/form-actions";
import { serverApi } from "@/server/api/rsc";
import { registerClusterSchema } from "@/server/clusters/cluster-input";
import { fieldErrorsFrom, type FormState } from "@/lib/form-state";

const FIELDS = ["kind", "name", "address", "token", "proxyAuthHeader", "kubeconfig", "server", "ca", "namespace", "rayImage", "credentialSource", "insecureSkipTlsVerify"];

/** Register form → clusters.register (which probes it) → the cluster's page; with an id, its new settings. */
export async function registerClusterAction(org: string, clusterId: string | null, _prev: FormState, form: FormData): Promise<FormState> {
  const values = Object.fromEntries(FIELDS.map((k) => [k, text(form, k)]));
  const source = values.credentialSource || "kubeconfig";
  const input = values.kind === "ray"
    ? { kind: "ray", name: values.name, address: values.address, token: values.token || undefined, proxyAuthHeader: values.proxyAuthHeader === "on" }
    : {
      kind: "kuberay", name: values.name, namespace: values.namespace || "default", rayImage: values.rayImage || undefined,
      inCluster: source === "in-cluster", kubeconfig: source === "kubeconfig" ? values.kubeconfig : undefined,
      server: source === "token" ? values.server || undefined : undefined, token: source === "token" ? values.token || undefined : undefined,
      ca: source === "token" ? values.ca || undefined : undefined, insecureSkipTlsVerify: values.insecureSkipTlsVerify === "on",
    };
  const parsed = registerClusterSchema.safeParse(input);
  if (!parsed.success) return { fieldErrors: fieldErrorsFrom(parsed.error.issues.map((i) => ({ ...i, path: [String(i.path.at(-1) ?? "_")] }))), values };
  let id: string;
  try {
    const api = await serverApi();
    id = clusterId ? (await api.clusters.update({ org, clusterId, cluster: parsed.data })).id : (await api.clusters.register({ org, cluster: parsed.data })).id;
  } catch (err) {
    return refusedFormState(err, values);
  }
  redirect(`/${org}/clusters/${id}`);
}

export async function checkClusterAction(org: string, clusterId: string): Promise<void> {
  await (await serverApi()).clusters.check({ org, clusterId });
  redirect(`/${org}/clusters/${clusterId}`);
}

export async function deleteClusterAction(org: string, clusterId: string): Promise<void> {
  try {
    await (await serverApi()).clusters.delete({ org, clusterId });
  } catch (err) {
    redirect(`/${org}/clusters/${clusterId}?error=${encodeURIComponent((err as Error).message)}`);
  }
  redirect(`/${org}/clusters`);
}
