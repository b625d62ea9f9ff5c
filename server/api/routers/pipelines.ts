import { z } from "zod";
import { createTaskSchema } from "@/server/pipelines/task-input";
import { getTask, listExecutions, listTasks, versionProducers } from "@/server/pipelines/task-views";
import { cancelTask, createTask, resumeTask, startTask, suspendTask } from "@/server/pipelines/tasks";
import { idSchema } from "@/server/tenancy/validation";
import { createTRPCRouter, orgProcedure } from "../trpc";

const byId = z.object({ taskId: idSchema });

/** Continuous-learning tasks: their phases are runs, so they take the run permissions. */
export const pipelinesRouter = createTRPCRouter({
  list: orgProcedure("run:read").query(({ ctx }) => listTasks(ctx.db, ctx.org.id)),
  get: orgProcedure("run:read").input(byId).query(({ ctx, input }) => getTask(ctx.db, ctx.org.id, input.taskId)),
  executions: orgProcedure("run:read").input(byId).query(({ ctx, input }) => listExecutions(ctx.db, ctx.org.id, input.taskId)),
  producers: orgProcedure("run:read").input(z.object({ datasetId: idSchema })).query(({ ctx, input }) => versionProducers(ctx.db, ctx.org.id, input.datasetId)),
  create: orgProcedure("run:create")
    .input(z.object({ task: createTaskSchema, start: z.boolean().default(false) }))
    .mutation(async ({ ctx, input }) => {
      const task = await createTask(ctx.db, ctx.org, ctx.actor, input.task, { start: input.start });
      return { id: task.id };
    }),
  start: orgProcedure("run:execute").input(byId).mutation(({ ctx, input }) => startTask(ctx.db, ctx.org, ctx.actor, input.taskId)),
  suspend: orgProcedure("run:execute").input(byId).mutation(({ ctx, input }) => suspendTask(ctx.db, ctx.org, ctx.actor, input.taskId)),
  resume: orgProcedure("run:execute").input(byId).mutation(({ ctx, input }) => resumeTask(ctx.db, ctx.org, ctx.actor, input.taskId)),
  cancel: orgProcedure("run:execute").input(byId).mutation(({ ctx, input }) => cancelTask(ctx.db, ctx.org, ctx.actor, input.taskId)),
});
