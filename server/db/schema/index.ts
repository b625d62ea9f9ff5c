export * from "./tenancy";
export * from "./tracking";
export * from "./lifecycle";
export * from "./mlflow";
export * from "./clusters";
export * from "./sweeps";
export * from "./scheduling";
export * from "./datasets";
