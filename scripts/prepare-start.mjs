// `npm start` step 1: build when there is no build yet or the sources changed since the last one,
// so a fresh clone needs exactly one command. Step 2 (`next start`) is run by npm itself, so the
// server is a direct child of npm and a signal reaches it without a wrapper in between.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const root = process.cwd();
const stampFile = path.join(root, ".next", "anvil-source-stamp");
const SOURCE_DIRS = ["app", "components", "lib", "server", "public", "drizzle"];
const SOURCE_FILES = ["package-lock.json", "next.config.ts", "tsconfig.json", "instrumentation.ts", "proxy.ts"];

function* walk(dir) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (!entry.name.endsWith(".test.ts")) yield full;
  }
}

function sourceStamp() {
  const hash = createHash("sha256");
  const files = [...SOURCE_DIRS.flatMap((d) => [...walk(path.join(root, d))]), ...SOURCE_FILES.map((f) => path.join(root, f))].sort();
  for (const file of files) {
    if (!fs.existsSync(file)) continue;
    hash.update(path.relative(root, file)).update(fs.readFileSync(file));
  }
  return hash.digest("hex");
}

const stamp = sourceStamp();
const built = fs.existsSync(path.join(root, ".next", "BUILD_ID")) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === stamp;
if (!built) {
  console.log("[anvil] building the app (first start or changed sources; about a minute)…");
  execFileSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  fs.writeFileSync(stampFile, stamp);
}
