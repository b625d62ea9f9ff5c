"use server";

import { TRPCError } from "@trpc/server";
import { redirect } from "next/navigation";
import { formText as text, refusedFormState } from "@/server/api/form-actions";
import { serverApi } from "@/server/api/rsc";
import { createSweepSchema } from "@/server/sweeps/sweep-input";
import { fieldErrorsFrom, type FormState } from "@/lib/form-state";
import { parseHyperparameters } from "@/lib/hyperparameters";

const FIELDS = ["name", "projectId", "target", "template", "command", "hyperparameters", "space", "metric1", "goal1", "metric2", "goal2", "algorithm", "maxTrials", "parallelism", "earlyStopping", "minStep", "seed"];

/** New-sweep form → sweeps.create (which checks a sample trial like any submission) → the sweep's page. */
export async function createSweepAction(org: string, _prev: FormState, form: FormData): Promise<FormState> {
  const values = Object.fromEntries(FIELDS.map((k) => [k, text(form, k)]));
  const hyper = parseHyperparameters(values.hyperparameters);
  if (!hyper.ok) return { fieldErrors: { hyperparameters: hyper.error }, values };
  let space: unknown;
  try { space = JSON.parse(values.space || "[]"); } catch { return { fieldErrors: { space: "The search space could not be read" }, values }; }
  const clusterId = values.target && values.target !== "local" ? values.target : undefined;
  const objectives = [{ metric: values.metric1, goal: values.goal1 }, ...(values.metric2 ? [{ metric: values.metric2, goal: values.goal2 }] : [])];
  const parsed = createSweepSchema.safeParse({
    name: values.name,
    job: {
      projectId: values.projectId || undefined, clusterId,
      template: values.template && values.template !== "custom" ? values.template : undefined,
      command: values.template === "custom" ? values.command : undefined,
      hyperparameters: hyper.value,
    },
    space, objectives, algorithm: values.algorithm,
    maxTrials: Number(values.maxTrials), parallelism: Number(values.parallelism), seed: Number(values.seed || 0),
    earlyStopping: values.earlyStopping && values.earlyStopping !== "off" ? { rule: values.earlyStopping, minTrials: 3, minStep: Number(values.minStep || 5), eta: 3 } : undefined,
  });
  if (!parsed.success) return { fieldErrors: fieldErrorsFrom(parsed.error.issues.map((i) => ({ ...i, path: [String(i.path.find((p) => typeof p === "string" && FIELDS.includes(p)) ?? i.path.at(-1) ?? "_")] }))), values };
  let id: string;
  try {
    id = (await (await serverApi()).sweeps.create({ org, sweep: parsed.data })).id;
  } catch (err) {
    return refusedFormState(err, values);
  }
  redirect(`/${org}/training/sweeps/${id}`);
}

export async function stopSweepAction(org: string, sweepId: string): Promise<void> {
  try {
    await (await serverApi()).sweeps.stop({ org, sweepId });
  } catch (err) {
    if (!(err instanceof TRPCError && err.code === "CONFLICT")) throw err;
  }
  redirect(`/${org}/training/sweeps/${sweepId}`);
}
