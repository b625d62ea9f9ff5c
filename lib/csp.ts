/**
 * The Content-Security-Policy of the app's pages: scripts only with this response's nonce (and
 * what they load), nothing embedded from elsewhere, no framing. Styles allow inline attributes:
 * chart and popover libraries position elements with `style=`, which carries no script.
 * Forms may post to this site and, for OAuth sign-in, on to the providers that are turned on.
 */
export function buildCsp(opts: { nonce: string; dev: boolean; formTargets?: readonly string[] }): string {
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    "script-src": ["'self'", `'nonce-${opts.nonce}'`, "'strict-dynamic'", ...(opts.dev ? ["'unsafe-eval'"] : [])],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "blob:", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'", ...(opts.formTargets ?? [])],
    "frame-ancestors": ["'none'"],
  };
  return Object.entries(directives).map(([name, values]) => `${name} ${values.join(" ")}`).join("; ");
}

/** The policy for user content (artifacts): rendered, if at all, with no script and no origin. */
export const SANDBOX_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'";
