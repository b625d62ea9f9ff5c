import { describe, expect, it } from "vitest";
import { enabledProviders } from "./providers";

const base = { AUTH_OIDC_NAME: "SSO" } as const;

describe("enabledProviders", () => {
  it("offers only email + password when no OAuth variables are set", () => {
    expect(enabledProviders(base).map((p) => p.id)).toEqual(["credentials"]);
  });
  it("turns each provider on only when its id and secret are both set", () => {
    expect(enabledProviders({ ...base, AUTH_GITHUB_ID: "id" }).map((p) => p.id)).toEqual(["credentials"]);
    expect(enabledProviders({ ...base, AUTH_GITHUB_ID: "id", AUTH_GITHUB_SECRET: "s", AUTH_GOOGLE_ID: "g", AUTH_GOOGLE_SECRET: "s" }).map((p) => p.id))
      .toEqual(["credentials", "github", "google"]);
  });
  it("needs issuer, id and secret for generic OIDC, and uses its display name", () => {
    expect(enabledProviders({ ...base, AUTH_OIDC_ID: "x", AUTH_OIDC_SECRET: "y" }).map((p) => p.id)).toEqual(["credentials"]);
    const list = enabledProviders({ ...base, AUTH_OIDC_NAME: "Okta", AUTH_OIDC_ISSUER: "https://id.example.com", AUTH_OIDC_ID: "x", AUTH_OIDC_SECRET: "y" });
    expect(list.at(-1)).toEqual({ id: "oidc", name: "Okta" });
  });
});
