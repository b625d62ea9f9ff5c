// TypeScript looks for anvil.d.mts, not anvil.d.ts, when code imports "./anvil.mjs";
// this points it at the declarations in anvil.d.ts.
export * from "./anvil.js";
