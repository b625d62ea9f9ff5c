"use server";

import { TRPCError } from "@trpc/server";
import { revalidatePath } from "next/cache";
import { attempt, formText as text, refusedFormState } from "@/server/api/form-actions";
import { serverApi } from "@/server/api/rsc";
import { autoscalingSchema, sloSchema } from "@/server/inference/service-input";
import { experimentSchema } from "@/server/traffic/experiments";
import { startRolloutSchema } from "@/server/traffic/rollout-input";
import { fieldErrorsFrom, type FormState } from "@/lib/form-state";

const path = (org: string, serviceId: string) => `/${org}/inference/${serviceId}`;
const values = (form: FormData, keys: string[]) => Object.fromEntries(keys.map((k) => [k, text(form, k)]));
const optNumber = (s: string, scale = 1) => (s === "" ? undefined : Number(s) * scale);
const refused = (issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>, v: Record<string, string>, rename: Record<string, string> = {}): FormState =>
  ({ fieldErrors: fieldErrorsFrom(issues.map((i) => ({ ...i, path: [rename[String(i.path.at(-1))] ?? String(i.path[0] ?? "_")] }))), values: v });

const ROLLOUT_FIELDS = ["strategy", "candidate", "candidateName", "model", "servedModel", "endpoints", "source", "steps", "intervalSeconds", "minRequests", "maxErrorRate", "maxP95LatencyMs", "maxP95TtftMs"];

/** A rollout as the form gives it: an existing variant, or a new one described for the service's backend. */
export async function startRolloutAction(org: string, serviceId: string, backend: string, _prev: FormState, form: FormData): Promise<FormState> {
  const v = values(form, ROLLOUT_FIELDS);
  const at = v.model.lastIndexOf("@");
  const candidate = v.candidate !== "new" ? v.candidate : {
    name: v.candidateName,
    ...(backend === "vllm" ? { servedModel: v.servedModel, endpoints: v.endpoints.split(/\s+/).filter(Boolean) } : {}),
    ...(backend === "process" && v.model ? { model: { name: v.model.slice(0, at), version: Number(v.model.slice(at + 1)) } } : {}),
    ...(backend === "kubernetes" ? { source: v.source || undefined } : {}),
  };
  const slo = { maxErrorRate: optNumber(v.maxErrorRate, 0.01), maxP95LatencyMs: optNumber(v.maxP95LatencyMs), maxP95TtftMs: optNumber(v.maxP95TtftMs) };
  const parsed = startRolloutSchema.safeParse({
    strategy: v.strategy || "canary", candidate, steps: v.strategy === "canary" && v.steps ? v.steps.split(/[\s,→>]+/).filter(Boolean).map(Number) : undefined,
    intervalSeconds: optNumber(v.intervalSeconds), minRequests: optNumber(v.minRequests),
    slo: Object.values(slo).some((x) => x !== undefined) ? Object.fromEntries(Object.entries(slo).filter(([, x]) => x !== undefined)) : undefined,
  });
  if (!parsed.success) return refused(parsed.error.issues, v, { name: "candidateName", endpoints: "endpoints", model: "model", servedModel: "servedModel", source: "source", maxErrorRate: "maxErrorRate", maxP95LatencyMs: "maxP95LatencyMs", maxP95TtftMs: "maxP95TtftMs" });
  return attempt(async () => {
    await (await serverApi()).traffic.startRollout({ org, serviceId, rollout: parsed.data });
    revalidatePath(path(org, serviceId));
    return { ok: true };
  }, v);
}

/**
 * A button on a running rollout. If the rollout moved first (the analysis promoted it), the
 * refreshed page shows where it is; another refusal comes back as its reason.
 */
export async function rolloutAction(org: string, serviceId: string, rolloutId: string, action: "pause" | "resume" | "promote" | "rollback"): Promise<string | null> {
  try {
    await (await serverApi()).traffic.actOnRollout({ org, serviceId, rolloutId, action });
  } catch (err) {
    if (!(err instanceof TRPCError) || err.code !== "CONFLICT") return refusedFormState(err).error ?? "Refused";
  }
  revalidatePath(path(org, serviceId));
  return null;
}

export async function setExperimentAction(org: string, serviceId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const v = values(form, ["metric", "minimumEffect", "alpha", "power"]);
  const parsed = experimentSchema.safeParse({ metric: v.metric, minimumEffect: optNumber(v.minimumEffect, 0.01), alpha: optNumber(v.alpha), power: optNumber(v.power, 0.01), autoPromote: form.get("autoPromote") === "on" });
  if (!parsed.success) return refused(parsed.error.issues, v);
  return attempt(async () => {
    await (await serverApi()).traffic.setExperiment({ org, serviceId, experiment: parsed.data });
    revalidatePath(path(org, serviceId));
    return { ok: true };
  }, v);
}

/** A refusal comes back as its reason (e.g. a rollout is moving the traffic), for the page to show; null when done. */
export async function promoteAction(org: string, serviceId: string, variant: string): Promise<string | null> {
  try {
    await (await serverApi()).traffic.promote({ org, serviceId, variant });
  } catch (err) {
    return refusedFormState(err).error ?? "Refused";
  }
  revalidatePath(path(org, serviceId));
  return null;
}

/** The SLO, sticky assignment and the alert webhook. Empty fields clear what they set. */
export async function saveTrafficSettingsAction(org: string, serviceId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const v = values(form, ["maxErrorRate", "maxP95LatencyMs", "maxP95TtftMs", "stickyFrom", "stickyName", "alertWebhook"]);
  const sloRaw = Object.fromEntries(Object.entries({ maxErrorRate: optNumber(v.maxErrorRate, 0.01), maxP95LatencyMs: optNumber(v.maxP95LatencyMs), maxP95TtftMs: optNumber(v.maxP95TtftMs) }).filter(([, x]) => x !== undefined));
  const slo = sloSchema.safeParse(sloRaw);
  if (!slo.success) return refused(slo.error.issues, v, { maxErrorRate: "maxErrorRate", maxP95LatencyMs: "maxP95LatencyMs", maxP95TtftMs: "maxP95TtftMs" });
  const sticky = v.stickyFrom === "header" || v.stickyFrom === "field" ? { from: v.stickyFrom as "header" | "field", name: v.stickyName } : null;
  return attempt(async () => {
    await (await serverApi()).inference.update({ org, serviceId, service: { slo: Object.keys(slo.data).length ? slo.data : null, sticky, ...(v.alertWebhook === "" ? { alertWebhook: null } : v.alertWebhook.endsWith("/…") ? {} : { alertWebhook: v.alertWebhook }) } });
    revalidatePath(path(org, serviceId));
    return { ok: true };
  }, v);
}

export async function saveAutoscalingAction(org: string, serviceId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const v = values(form, ["minReplicas", "maxReplicas", "metric", "target", "scaleUpWindowSeconds", "scaleDownWindowSeconds"]);
  if (form.get("enabled") !== "on") {
    return attempt(async () => {
      await (await serverApi()).inference.update({ org, serviceId, service: { autoscaling: null } });
      revalidatePath(path(org, serviceId));
      return { ok: true };
    }, v);
  }
  const parsed = autoscalingSchema.safeParse({ minReplicas: optNumber(v.minReplicas), maxReplicas: optNumber(v.maxReplicas), metric: v.metric, target: optNumber(v.target), scaleUpWindowSeconds: optNumber(v.scaleUpWindowSeconds), scaleDownWindowSeconds: optNumber(v.scaleDownWindowSeconds) });
  if (!parsed.success) return refused(parsed.error.issues, v);
  return attempt(async () => {
    await (await serverApi()).inference.update({ org, serviceId, service: { autoscaling: parsed.data } });
    revalidatePath(path(org, serviceId));
    return { ok: true };
  }, v);
}

export async function acknowledgeAlertsAction(org: string, serviceId: string): Promise<void> {
  await (await serverApi()).traffic.acknowledgeAlerts({ org, serviceId });
  revalidatePath(path(org, serviceId));
}
