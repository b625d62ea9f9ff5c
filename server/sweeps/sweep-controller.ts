import { and, eq } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { memberships, organizations, runTags, sweeps } from "@/server/db/schema";
import { DomainError } from "@/server/errors";
import type { Controller } from "@/server/runner/controller";
import { systemActor } from "@/server/tenancy/actor";
import type { OrgContext } from "@/server/tenancy/organizations";
import { lowerRole, type Role } from "@/server/tenancy/permissions";
import { cancelJob, submitJob } from "@/server/training/jobs";
import { ashaStop, medianStop, paretoFront, suggestGrid, suggestNsga2, suggestRandom, suggestTpe, type SuggestInput } from "./algorithms";
import { seededRng, type Params } from "./search-space";
import type { CreateSweepInput } from "./sweep-input";
import { sweepLifecycle, type SweepStatus } from "./sweep-lifecycle";
import { trialJob } from "./sweeps";
import { activeTrials, bestTrial, EARLY_STOP_TAG, loadTrials, observations, trialSeries, type Trial } from "./trials";

type Sweep = typeof sweeps.$inferSelect;

const SUGGEST = { grid: suggestGrid, random: suggestRandom, tpe: (i: SuggestInput) => suggestTpe(i), nsga2: (i: SuggestInput) => suggestNsga2(i) };

/**
 * One step of a sweep: stop it if asked, stop trials the median rule condemns, submit trials up
 * to the parallelism and the budget, end it when nothing is left to run. The sweep's lease makes
 * this the only runner submitting its trials; counts come from the database, so a runner that
 * dies after submitting leaves nothing for the next one to repeat.
 */
export const sweepController: Controller<typeof sweeps> = {
  lifecycle: sweepLifecycle,
  reconcile: async (db, opts, row, signal) => {
    const spec = row.spec as unknown as CreateSweepInput;
    const actor = systemActor(`sweep:${row.name}`);
    const trials = await loadTrials(db, row, spec);
    const active = activeTrials(trials);
    const move = (to: SweepStatus, message: string) => db.transaction((tx) => sweepLifecycle.transition(tx, {
      id: row.id, orgId: row.orgId, from: "RUNNING", to, version: row.version, leaseOwner: opts.owner, actor, reason: message, set: { statusMessage: message },
    }));

    if (row.desiredState === "CANCEL") {
      for (const t of active) await cancelJob(db, { id: row.orgId }, actor, t.id).catch(() => {});
      return void (await move("CANCELLED", `Stopped after ${trials.length} trial${trials.length === 1 ? "" : "s"}`));
    }
    if (spec.earlyStopping) await stopPoorTrials(db, row, spec, trials, actor);

    // Every trial so far failing says the job cannot work: stop spending the budget on it.
    const finished = trials.length - active.length;
    if (finished >= FAIL_AFTER && !trials.some((t) => t.status === "SUCCEEDED")) {
      return void (await move("FAILED", `The first ${finished} trials all failed or were stopped; see ${trials[0].name}`));
    }

    let submitted = trials.length;
    let running = active.length;
    let exhausted = false;
    const org = await submitAs(db, row);
    if (typeof org === "string") return void (await move("FAILED", org));
    const pending = active.map((t) => t.params);
    const tried = trials.map((t) => t.params);
    while (running < spec.parallelism && submitted < spec.maxTrials) {
      const params = suggest(spec, trials, pending, tried, submitted);
      if (!params) { exhausted = true; break; }
      // A stop or a lost lease fences this pass: no trial may start after it.
      signal.throwIfAborted();
      try {
        await submitJob(db, org, actor, trialJob(spec, `${row.name} #${submitted + 1}`, params), { sweepId: row.id, experiment: `Sweep: ${row.name}`.slice(0, 100) });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        return void (await move("FAILED", `Trial ${submitted + 1} could not be submitted: ${err.message}`));
      }
      pending.push(params);
      tried.push(params);
      submitted++;
      running++;
    }
    if (running === 0 && (submitted >= spec.maxTrials || exhausted)) {
      const best = bestTrial(trials, spec);
      if (!best) return void (await move("FAILED", `No trial finished with ${spec.objectives.map((o) => o.metric).join(" and ")}`));
      const n = paretoFront(observations(trials, spec)).length;
      const front = spec.objectives.length === 2 ? `; ${n} trial${n === 1 ? "" : "s"} on the Pareto front` : "";
      return void (await move("SUCCEEDED", `${trials.length} trials${exhausted ? " (the whole grid)" : ""}; best ${best.name}: ${spec.objectives[0].metric} = ${formatValue(best.objectives[0]!)}${front}`));
    }
    await sweepLifecycle.release(db, row, opts.owner, Math.max(opts.pollMs, 1000), {
      statusMessage: `${submitted} of ${spec.maxTrials} trials submitted, ${running} running`,
    });
  },
};

/** The next trial's params; the seed and trial number make a sweep's suggestions repeatable. */
function suggest(spec: CreateSweepInput, trials: Trial[], pending: Params[], tried: Params[], index: number): Params | null {
  const rng = seededRng((spec.seed * 1_000_003 + index) >>> 0);
  return SUGGEST[spec.algorithm]({ space: spec.space, done: observations(trials, spec), pending, tried, rng });
}

/** Trials that may all fail before the sweep gives up. */
const FAIL_AFTER = 5;

/**
 * Trials are submitted as the creator: with the lower of the role checked at creation and their
 * role now, and only the grants they still hold. A creator who left the organization ends the sweep.
 * (A sweep started with an API key keeps the key's role at creation.)
 */
async function submitAs(db: Db, row: Sweep): Promise<OrgContext | string> {
  const [org] = await db.select({ id: organizations.id, slug: organizations.slug, name: organizations.name }).from(organizations).where(eq(organizations.id, row.orgId));
  const created = { role: row.submitAs.role as Role, grants: row.submitAs.grants };
  if (!row.createdBy) return { ...org, ...created };
  const [member] = await db.select({ role: memberships.role, grants: memberships.grants }).from(memberships)
    .where(and(eq(memberships.orgId, row.orgId), eq(memberships.userId, row.createdBy)));
  if (!member) return "Its creator is no longer a member of this organization; no more trials are submitted";
  return { ...org, role: lowerRole(created.role, member.role as Role), grants: created.grants.filter((g) => member.grants.includes(g)) };
}

/** The early-stopping rule on the first objective (lower is better after the goal's sign). */
async function stopPoorTrials(db: Db, row: Sweep, spec: CreateSweepInput, trials: Trial[], actor: ReturnType<typeof systemActor>) {
  const rule = spec.earlyStopping!;
  const running = trials.filter((t) => t.status === "RUNNING");
  if (running.length === 0) return;
  const sign = spec.objectives[0].goal === "maximize" ? -1 : 1;
  // The median rule (Vizier) compares with completed trials; ASHA with every trial that reached the rung.
  const peers = rule.rule === "median" ? trials.filter((o) => o.status === "SUCCEEDED") : trials;
  if (rule.rule === "median" && peers.length < rule.minTrials) return;
  const series = await trialSeries(db, row.orgId, [...new Set([...running, ...peers].map((t) => t.id))], spec.objectives[0].metric);
  const signed = (id: string) => (series.get(id) ?? []).map(([s, v]) => [s, sign * v] as [number, number]);
  for (const t of running) {
    const others = peers.filter((o) => o.id !== t.id).map((o) => signed(o.id));
    const stop = rule.rule === "median"
      ? medianStop(signed(t.id), others, { minTrials: rule.minTrials, minStep: rule.minStep })
      : ashaStop(signed(t.id), others, { minStep: rule.minStep, eta: rule.eta });
    if (!stop) continue;
    await db.insert(runTags).values({ runId: t.id, orgId: row.orgId, key: EARLY_STOP_TAG, value: rule.rule === "median" ? "median rule" : "ASHA" }).onConflictDoNothing();
    await cancelJob(db, { id: row.orgId }, actor, t.id).catch(() => {});
  }
}

function formatValue(v: number): string {
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : String(Math.round(v * 1e4) / 1e4);
}

