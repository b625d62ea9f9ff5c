import { mlflowArtifactsRoute } from "@/server/mlflow/router";

/** MLflow's artifact proxy: runs get `mlflow-artifacts:/…` URIs, so clients stream files through here. */
export const GET = mlflowArtifactsRoute("GET");
export const PUT = mlflowArtifactsRoute("PUT");
