/**
 * Accepted credentials, remembered for a few seconds so a hot path (one metric per request, as
 * MLflow clients log) does not look its key up on every call. Only successes are kept, at most
 * `max` entries (oldest out first). Revocation in this process drops entries at once; other
 * processes see it within the TTL (docs/decisions/0010).
 */
export class CredentialCache<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();

  constructor(private readonly ttlMs: number, private readonly max = 10_000) {}

  get(hash: string): T | undefined {
    const hit = this.entries.get(hash);
    if (!hit) return undefined;
    if (hit.until <= Date.now()) {
      this.entries.delete(hash);
      return undefined;
    }
    return hit.value;
  }

  set(hash: string, value: T, expiresAt?: Date): void {
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(hash, { value, until: Math.min(Date.now() + this.ttlMs, expiresAt?.getTime() ?? Infinity) });
  }

  drop(matches: (value: T) => boolean): void {
    for (const [hash, entry] of this.entries) if (matches(entry.value)) this.entries.delete(hash);
  }
}

export const CREDENTIAL_CACHE_MS = 10_000;
