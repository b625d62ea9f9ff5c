import { z } from "zod";
import { idSchema } from "@/server/tenancy/validation";
import { cancelJob, submitJob } from "@/server/training/jobs";
import { submitJobSchema } from "@/server/training/job-input";
import { JOB_TEMPLATES } from "@/server/training/templates";
import { listProjects } from "@/server/tracking/projects";
import { createTRPCRouter, orgProcedure } from "../trpc";

export const trainingRouter = createTRPCRouter({
  templates: orgProcedure("run:read").query(() => JOB_TEMPLATES),
  projects: orgProcedure("project:read").query(({ ctx }) => listProjects(ctx.db, ctx.org.id)),
  submit: orgProcedure("run:create")
    .input(z.object({ job: submitJobSchema }))
    .mutation(async ({ ctx, input }) => {
      const run = await submitJob(ctx.db, ctx.org, ctx.actor, input.job);
      return { id: run.id, status: run.status };
    }),
  cancel: orgProcedure("run:execute")
    .input(z.object({ runId: idSchema }))
    .mutation(({ ctx, input }) => cancelJob(ctx.db, ctx.org, ctx.actor, input.runId)),
});
