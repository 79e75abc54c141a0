import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Compares a secret someone sent with the expected one in time that does not depend on where
 * they differ (nor, through the hashes, on their lengths). The one comparison for every token:
 * the staff console's, the admin endpoint's, Telegram's webhook secret.
 */
export function safeEqual(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = createHash("sha256").update(given, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}
