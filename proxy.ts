import { NextResponse, type NextRequest } from "next/server";
import { buildCsp } from "@/lib/csp";

/**
 * Runs before every page: a fresh nonce and the strict Content-Security-Policy that requires it
 * (Next reads the nonce from the request's policy header for its own scripts), and the path the
 * user opened, so a sign-in redirect can bring them back to it.
 */
export function proxy(request: NextRequest) {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const nonce = btoa(String.fromCharCode(...bytes));
  const csp = buildCsp({ nonce, dev: process.env.NODE_ENV !== "production", formTargets: oauthOrigins() });
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", csp);
  headers.set("x-anvil-path", `${request.nextUrl.pathname}${request.nextUrl.search}`);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", csp);
  response.headers.set("x-content-type-options", "nosniff");
  response.headers.set("referrer-policy", "same-origin");
  return response;
}

/** Where the sign-in forms may send the browser: the OAuth providers that are configured. */
function oauthOrigins(): string[] {
  const env = process.env;
  const origins: string[] = [];
  if (env.AUTH_GITHUB_ID) origins.push("https://github.com");
  if (env.AUTH_GOOGLE_ID) origins.push("https://accounts.google.com");
  if (env.AUTH_OIDC_ISSUER) {
    try {
      origins.push(new URL(env.AUTH_OIDC_ISSUER).origin);
    } catch {
      // an invalid issuer fails env validation at start-up
    }
  }
  return origins;
}

export const config = {
  // Pages only: API routes answer JSON or files with headers of their own.
  matcher: [{ source: "/((?!api/|ajax-api/|_next/static|_next/image|favicon.ico|icon.svg|robots.txt|manifest.webmanifest|icons/).*)" }],
};
