import { eq } from "drizzle-orm";
import { inferenceServices, serviceRollouts } from "@/server/db/schema";
import { forgetService } from "@/server/inference/gateway-state";
import { replicasOf, variantsOf } from "@/server/inference/service-rows";
import type { Controller } from "@/server/runner/controller";
import { systemActor } from "@/server/tenancy/actor";
import { deliverAlert } from "./alerts";
import { watchServicesThrottled } from "./monitor";
import { rolloutLifecycle, type Rollout } from "./rollout-lifecycle";
import { advance, applyStep, finish, recordEvent, rollbackAlert, stepStart, type Pair } from "./rollout-steps";
import { countersOf, difference, judge, summarizeWindow } from "./window";

/** The candidate's replicas have this long to become ready before the rollout gives up. */
const READY_TIMEOUT_MS = 10 * 60_000;
/** While a step waits for enough requests, it looks again this often. */
const WAIT_RECHECK_MS = 5000;

const actor = systemActor("rollout analysis");

interface Next { version: number; delayMs: number; set: { statusMessage?: string; analysis?: Record<string, unknown> } }

/**
 * One step of a rollout: wait for the candidate's replicas, then at the end of each step's
 * interval judge the candidate's window against the SLO — roll back on a breach, otherwise go
 * to the next step, and promote after the last. Every write happens with the service row locked
 * and the rollout's version compared, so a person's action in between wins cleanly.
 */
export const rolloutController: Controller<typeof serviceRollouts> = {
  lifecycle: rolloutLifecycle,
  // SLO and drift alerts and A/B auto-promotion: watched here, beside the rollouts, twice a minute.
  housekeeping: (db) => watchServicesThrottled(db),
  reconcile: async (db, opts, claimed, signal) => {
    let alert: number | null = null;
    const next = await db.transaction(async (tx): Promise<Next | null> => {
      const [service] = await tx.select().from(inferenceServices).where(eq(inferenceServices.id, claimed.serviceId)).for("update");
      const [r] = await tx.select().from(serviceRollouts).where(eq(serviceRollouts.id, claimed.id));
      if (!service || r.version !== claimed.version || r.leaseOwner !== opts.owner || r.status !== "PROGRESSING") return null;
      const variants = await variantsOf(tx, service.id);
      const pair = { service, baseline: variants.find((v) => v.name === r.baseline), candidate: variants.find((v) => v.name === r.candidate) };
      const end = async (to: "PROMOTED" | "ROLLED_BACK", reason: string) => {
        if (await finish(tx, r, pair, to, actor, reason, opts.owner) && to === "ROLLED_BACK") alert = await rollbackAlert(tx, pair, r, reason);
        return null;
      };
      if (service.status === "STOPPED") return end("ROLLED_BACK", "The service was deleted");
      if (!pair.candidate) return end("ROLLED_BACK", `The candidate variant ${r.candidate} was removed`);
      if (!pair.baseline) return end("PROMOTED", `The baseline variant ${r.baseline} was removed: the candidate keeps the traffic`);
      const p = pair as Pair;

      const candidateReplicas = (await replicasOf(tx, service.id)).filter((x) => x.variantId === p.candidate.id);
      const readyCount = candidateReplicas.filter((x) => x.state === "ready").length;
      if (r.stepIndex < 0) {
        const replicas = candidateReplicas;
        if (readyCount === 0) {
          // Counted from the start, or from the resume of a rollout paused while it waited.
          if (Date.now() - (r.stepStartedAt ?? r.createdAt).getTime() > READY_TIMEOUT_MS) {
            const why = replicas.find((x) => x.lastError)?.lastError ?? service.statusMessage ?? "no replica started";
            return end("ROLLED_BACK", `The candidate's replicas did not become ready in ${READY_TIMEOUT_MS / 60_000} minutes: ${why}`);
          }
          return hold(r, 1000, "Waiting for the candidate's replicas to be ready");
        }
        return enterStep(r, p, 0);
      }

      const dueAt = (r.stepStartedAt?.getTime() ?? 0) + r.intervalSeconds * 1000;
      if (Date.now() < dueAt) return hold(r, dueAt - Date.now());
      // Rolling: the step's replicas must be up before it is judged (the baseline gave one up for it).
      const wanted = r.steps[r.stepIndex].candidateReplicas;
      if (wanted !== undefined && readyCount < wanted) return hold(r, 1000, `Step ${r.stepIndex + 1}: waiting for ${r.candidate}'s replica ${readyCount + 1} of ${wanted} to be ready`);
      const isLast = r.stepIndex === r.steps.length - 1;
      if (r.strategy === "immediate") return end("PROMOTED", `Switched ${r.candidate} to 100 % at once`);

      const window = summarizeWindow(difference(await countersOf(tx, service.id, r.candidate, r.stepStartedAt ?? r.createdAt), r.stepCounters));
      const verdict = judge(window, r.slo, r.minRequests);
      const weight = r.steps[r.stepIndex].weight;
      const analysis = { at: new Date().toISOString(), step: r.stepIndex, weight, verdict: verdict.kind, message: verdict.message, window };
      if (verdict.kind === "wait") return hold(r, Math.min(WAIT_RECHECK_MS, Math.max(1000, r.intervalSeconds * 1000)), `Step ${r.stepIndex + 1} at ${weight} %: ${verdict.message}`, analysis);
      await recordEvent(tx, r, "analysis", verdict.message, { weight, metrics: { ...window, verdict: verdict.kind } });
      if (verdict.kind === "breach") return end("ROLLED_BACK", `${verdict.message} at ${weight} %`);
      if (isLast) return end("PROMOTED", `Promoted after ${r.steps.length} step${r.steps.length === 1 ? "" : "s"}; ${verdict.message}`);
      return enterStep(r, p, r.stepIndex + 1, analysis);

      async function enterStep(row: Rollout, pp: Pair, i: number, lastAnalysis?: Record<string, unknown>) {
        await applyStep(tx, row, pp, i);
        const step = row.steps[i];
        const message = `Step ${i + 1} of ${row.steps.length}: ${row.candidate} at ${step.weight} %${step.candidateReplicas !== undefined ? ` with ${step.candidateReplicas} of ${row.baselineReplicas} replicas` : ""}`;
        const version = await advance(tx, row, opts.owner, { stepIndex: i, ...(await stepStart(tx, row, row.candidate)), statusMessage: message, ...(lastAnalysis ? { analysis: lastAnalysis } : {}) });
        if (version === null) throw new Error("rollout moved meanwhile");
        await recordEvent(tx, row, "step", message, { weight: step.weight });
        return { version, delayMs: row.intervalSeconds * 1000, set: {} };
      }
    });
    await deliverAlert(db, alert);
    forgetService(claimed.serviceId);
    signal.throwIfAborted();
    if (next) await rolloutLifecycle.release(db, { id: claimed.id, version: next.version }, opts.owner, next.delayMs, next.set);
  },
};

/** Look again later, noting what the rollout waits for (no version change: nothing moved). */
function hold(r: Rollout, delayMs: number, message?: string, analysis?: Record<string, unknown>): Next {
  return { version: r.version, delayMs, set: { ...(message ? { statusMessage: message } : {}), ...(analysis ? { analysis } : {}) } };
}
