import { z } from "zod";
import { listClusters } from "@/server/clusters/clusters";
import { idSchema } from "@/server/tenancy/validation";
import { cancelJob, submitJob } from "@/server/training/jobs";
import { submitJobSchema } from "@/server/training/job-input";
import { jobSettings, rerunJob } from "@/server/training/job-views";
import { JOB_TEMPLATES, templateView } from "@/server/training/templates";
import { listProjects } from "@/server/tracking/projects";
import { runScheduling } from "@/server/scheduling/run-scheduling";
import { createTRPCRouter, orgProcedure } from "../trpc";

export const trainingRouter = createTRPCRouter({
  templates: orgProcedure("run:read").query(() => JOB_TEMPLATES.map(templateView)),
  projects: orgProcedure("project:read").query(({ ctx }) => listProjects(ctx.db, ctx.org.id)),
  clusters: orgProcedure("cluster:read").query(({ ctx }) => listClusters(ctx.db, ctx.org.id)),
  submit: orgProcedure("run:create")
    .input(z.object({ job: submitJobSchema }))
    .mutation(async ({ ctx, input }) => {
      const run = await submitJob(ctx.db, ctx.org, ctx.actor, input.job);
      return { id: run.id, status: run.status };
    }),
  cancel: orgProcedure("run:execute")
    .input(z.object({ runId: idSchema }))
    .mutation(({ ctx, input }) => cancelJob(ctx.db, ctx.org, ctx.actor, input.runId)),
  /** Its queue, place and pending reason, the pool it holds, who preempted it, its cost. */
  scheduling: orgProcedure("run:read")
    .input(z.object({ runId: idSchema }))
    .query(({ ctx, input }) => runScheduling(ctx.db, ctx.org.id, input.runId)),
  /** The settings a job ran with, for the form to start from (clone). */
  // Needs what a clone needs: the settings include the job's environment variables.
  settings: orgProcedure("run:create")
    .input(z.object({ runId: idSchema }))
    .query(({ ctx, input }) => jobSettings(ctx.db, ctx.org.id, input.runId)),
  rerun: orgProcedure("run:create")
    .input(z.object({ runId: idSchema }))
    .mutation(async ({ ctx, input }) => {
      const run = await rerunJob(ctx.db, ctx.org, ctx.actor, input.runId);
      return { id: run.id, status: run.status };
    }),
});
