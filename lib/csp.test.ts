import { describe, expect, it } from "vitest";
import { buildCsp, SANDBOX_CSP } from "./csp";

describe("content security policy", () => {
  it("allows scripts only with the nonce, and no framing, objects or base rewrites", () => {
    const csp = buildCsp({ nonce: "abc123", dev: false });
    expect(csp).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    for (const d of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"]) expect(csp).toContain(d);
  });

  it("lets forms reach the OAuth providers that are on, and dev builds eval", () => {
    const csp = buildCsp({ nonce: "n", dev: true, formTargets: ["https://github.com"] });
    expect(csp).toContain("form-action 'self' https://github.com");
    expect(csp).toContain("'unsafe-eval'");
  });

  it("sandboxes user content with no script at all", () => {
    expect(SANDBOX_CSP.startsWith("sandbox;")).toBe(true);
    expect(SANDBOX_CSP).toContain("default-src 'none'");
    expect(SANDBOX_CSP).not.toContain("script");
  });
});
