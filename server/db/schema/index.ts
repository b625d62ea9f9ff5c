export * from "./tenancy";
export * from "./tracking";
