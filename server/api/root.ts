import { clustersRouter } from "./routers/clusters";
import { datasetsRouter } from "./routers/datasets";
import { schedulingRouter } from "./routers/scheduling";
import { sweepsRouter } from "./routers/sweeps";
import { pipelinesRouter } from "./routers/pipelines";
import { registryRouter } from "./routers/registry";
import { inferenceRouter } from "./routers/inference";
import { trafficRouter } from "./routers/traffic";
import { experimentsRouter } from "./routers/experiments";
import { apiKeysRouter } from "./routers/api-keys";
import { auditRouter } from "./routers/audit";
import { invitationsRouter } from "./routers/invitations";
import { membersRouter } from "./routers/members";
import { organizationsRouter } from "./routers/organizations";
import { runsRouter } from "./routers/runs";
import { trainingRouter } from "./routers/training";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  organizations: organizationsRouter,
  members: membersRouter,
  invitations: invitationsRouter,
  apiKeys: apiKeysRouter,
  audit: auditRouter,
  training: trainingRouter,
  runs: runsRouter,
  experiments: experimentsRouter,
  clusters: clustersRouter,
  sweeps: sweepsRouter,
  scheduling: schedulingRouter,
  datasets: datasetsRouter,
  pipelines: pipelinesRouter,
  registry: registryRouter,
  inference: inferenceRouter,
  traffic: trafficRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
