import { listRunArtifacts, proxyArtifact } from "./artifacts";
import * as exp from "./experiments";
import * as log from "./logging";
import * as models from "./logged-models";
import * as run from "./runs";
import { MlflowError, serveMlflow, type MlflowHandler } from "./protocol";
import { REGISTRY_ROUTES } from "./registry";

/** The MLflow tracking REST 2.0 endpoints served here, by "<METHOD> <path after /mlflow/>". */
const ROUTES: Record<string, MlflowHandler> = {
  "POST experiments/create": exp.createExperiment,
  "GET experiments/get": exp.getExperiment,
  "GET experiments/get-by-name": exp.getExperimentByName,
  "POST experiments/search": exp.searchExperiments,
  "GET experiments/search": exp.searchExperiments,
  "POST experiments/delete": exp.deleteExperiment,
  "POST experiments/restore": exp.restoreExperiment,
  "POST experiments/update": exp.updateExperiment,
  "POST experiments/set-experiment-tag": exp.setExperimentTag,
  "POST experiments/delete-experiment-tag": exp.deleteExperimentTag,
  "POST runs/create": run.createRun,
  "POST runs/update": run.updateRun,
  "GET runs/get": run.getRun,
  "POST runs/search": run.searchRunsHandler,
  "POST runs/delete": run.deleteRun,
  "POST runs/restore": run.restoreRun,
  "POST runs/log-metric": log.logMetric,
  "POST runs/log-parameter": log.logParameter,
  "POST runs/set-tag": log.setTag,
  "POST runs/delete-tag": log.deleteTag,
  "POST runs/log-batch": log.logBatch,
  "POST runs/log-model": log.logModel,
  "POST runs/log-inputs": log.logInputs,
  "POST runs/outputs": models.logOutputs,
  "POST logged-models": models.createLoggedModel,
  "GET metrics/get-history": log.getMetricHistory,
  "GET metrics/get-history-bulk-interval": log.getMetricHistoryBulkInterval,
  "GET artifacts/list": listRunArtifacts,
  ...REGISTRY_ROUTES,
};

/** `/api/2.0/mlflow/<path>` (and `/ajax-api/2.0/mlflow/<path>`, which MLflow's UI uses). */
export function mlflowRoute(method: string) {
  return async (req: Request, ctx: { params: Promise<{ path: string[] }> }) => {
    const { path } = await ctx.params;
    const exact = ROUTES[`${method} ${path.join("/")}`];
    // MLflow 3.x's REST-style paths: logged-models/{id}, …/tags, …/tags/{key}, …/params, search.
    const handler: MlflowHandler | undefined = exact ?? (path[0] === "logged-models" && path.length > 1
      ? async (c) => (await models.loggedModelRoute(c, method, path.slice(1))) ?? Promise.reject(new MlflowError("ENDPOINT_NOT_FOUND", `No MLflow endpoint ${method} ${path.join("/")} here`))
      : undefined);
    return serveMlflow(req, handler);
  };
}

/** `/api/2.0/mlflow-artifacts/artifacts[/<path>]`: the artifact proxy MLflow clients upload through. */
export function mlflowArtifactsRoute(method: string) {
  return async (req: Request, ctx: { params: Promise<{ path?: string[] }> }) => {
    const { path } = await ctx.params;
    return serveMlflow(req, (c) => proxyArtifact(c, method, (path ?? []).join("/")), { bodyIsData: true });
  };
}
