import type { Env } from "@/server/env";

/** Which sign-in methods are on: email + password always; OAuth/OIDC when their env vars are set. */
export interface ProviderInfo { id: "credentials" | "github" | "google" | "oidc"; name: string }

export function enabledProviders(env: Pick<Env, "AUTH_GITHUB_ID" | "AUTH_GITHUB_SECRET" | "AUTH_GOOGLE_ID" | "AUTH_GOOGLE_SECRET" | "AUTH_OIDC_ISSUER" | "AUTH_OIDC_ID" | "AUTH_OIDC_SECRET" | "AUTH_OIDC_NAME">): ProviderInfo[] {
  const list: ProviderInfo[] = [{ id: "credentials", name: "Email and password" }];
  if (env.AUTH_GITHUB_ID && env.AUTH_GITHUB_SECRET) list.push({ id: "github", name: "GitHub" });
  if (env.AUTH_GOOGLE_ID && env.AUTH_GOOGLE_SECRET) list.push({ id: "google", name: "Google" });
  if (env.AUTH_OIDC_ISSUER && env.AUTH_OIDC_ID && env.AUTH_OIDC_SECRET) list.push({ id: "oidc", name: env.AUTH_OIDC_NAME });
  return list;
}
