/**
 * Import boundaries (ARCHITECTURE.md §2): app/components → server/api → server/<domain> → server/db.
 * `npm run lint` fails on a violation or on any import cycle.
 */
module.exports = {
  forbidden: [
    { name: "no-cycles", severity: "error", from: {}, to: { circular: true } },
    {
      name: "client-imports-server-only-as-type",
      comment: "Client components may import server code only as types.",
      severity: "error",
      // Tests are never bundled: they may check what a component draws against the server's definitions.
      from: { path: "^components/", pathNot: "\\.test\\.ts$" },
      to: { path: "^server/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "executors-stay-out-of-the-database",
      comment: "Executors talk to one foreign system; the runner turns their reports into transitions.",
      severity: "error",
      from: { path: "^server/executors/" },
      to: { path: "^server/(db|tenancy|tracking|training|runner|api)/" },
    },
    {
      name: "domains-do-not-import-the-api-layer",
      severity: "error",
      from: { path: "^server/(db|tenancy|tracking|training|runner|storage|executors|auth)/" },
      to: { path: "^server/api/" },
    },
    {
      name: "db-is-the-bottom",
      severity: "error",
      from: { path: "^server/db/" },
      to: { path: "^server/(tenancy|tracking|training|runner|executors|api|auth)/" },
    },
    {
      name: "server-does-not-import-ui",
      severity: "error",
      from: { path: "^server/" },
      to: { path: "^(app|components)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|\\.next|\\.data|\\.test-data)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
  },
};
