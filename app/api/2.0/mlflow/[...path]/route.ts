import { mlflowRoute } from "@/server/mlflow/router";

/** MLflow tracking REST 2.0: an unmodified MLflow client with MLFLOW_TRACKING_URI=<this server> works. */
export const GET = mlflowRoute("GET");
export const POST = mlflowRoute("POST");
export const PATCH = mlflowRoute("PATCH");
export const DELETE = mlflowRoute("DELETE");
