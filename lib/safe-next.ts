const BASE = "http://anvil.invalid";

/**
 * A `next=` target that can only be a path on this site. Browsers treat `\` like `/` and drop
 * tabs and newlines, so `/\evil.com` or `/\t/evil.com` would leave the site: anything with a
 * backslash or a control character is refused, and the result must resolve to our own origin.
 */
export function safeNextPath(next: string | null | undefined, fallback = "/"): string {
  if (!next || next.length > 2000 || !next.startsWith("/")) return fallback;
  if (/[\\\u0000-\u001f\u007f]/.test(next) || next.startsWith("//")) return fallback;
  try {
    const url = new URL(next, BASE);
    // Dot segments are resolved after the checks above: `/.//evil.com` becomes `//evil.com`.
    if (url.origin !== BASE || url.pathname.startsWith("//") || url.pathname.startsWith("/\\")) return fallback;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return fallback;
  }
}
