import { randomBytes, timingSafeEqual } from "node:crypto";
import { signature } from "@/server/auth/secret-box";

/**
 * The id the gateway gives each answer: `<variant>.<random>.<signature>`. It names the variant
 * that answered, so feedback counts for it without a table of every request, and the signature
 * (over the service, the variant and the random part) means an id cannot be made up to tilt an
 * A/B test: only answers the gateway gave can be rated.
 */
export function requestIdFor(serviceId: string, variant: string): string {
  const nonce = randomBytes(8).toString("hex");
  return `${variant}.${nonce}.${signature(`${serviceId}.${variant}.${nonce}`)}`;
}

export const REQUEST_ID = /^([a-z0-9][a-z0-9-]{0,30})\.([0-9a-f]{16})\.([0-9a-f]{16})$/;

/** The variant of a request id the gateway gave for this service; null when it did not give it. */
export function variantOfRequestId(serviceId: string, id: string): string | null {
  const m = REQUEST_ID.exec(id);
  if (!m) return null;
  const expected = Buffer.from(signature(`${serviceId}.${m[1]}.${m[2]}`));
  return timingSafeEqual(expected, Buffer.from(m[3])) ? m[1] : null;
}
