import { randomBytes } from "node:crypto";
import { isIP } from "node:net";
import type { FastifyReply } from "fastify";

/**
 * Sent with every response. Scripts and styles only from this server's own files (no inline
 * script or style, no eval), no framing, no referrer to other sites, no MIME sniffing.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; "),
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "same-origin",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
};

export { safeEqual } from "../core/secret.js";

/** A random secret, URL-safe. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

export { WindowCounter, type WindowLimit } from "../core/rate-limit.js";

/** 429 with Retry-After, the same for every limit. */
export function tooMany(reply: FastifyReply, retryAfterSeconds: number, error = "请求过于频繁，请稍后再试"): FastifyReply {
  return reply.code(429).header("retry-after", String(retryAfterSeconds)).send({ error });
}

/** proxy-addr's names for address ranges (fastify's `trustProxy`). */
const PROXY_RANGE_NAMES = ["loopback", "linklocal", "uniquelocal"];
const ON_WORDS = ["1", "true", "yes", "on"];
const OFF_WORDS = ["", "0", "false", "no", "off"];

/**
 * TALENTBOT_TRUST_PROXY → the proxies whose X-Forwarded-For / -Proto entries are believed.
 * Only named proxies: fastify then takes the client as the address the last trusted proxy
 * appended, so entries a client writes itself (the leftmost) never count. "1" / "on" mean a
 * proxy on this host (`loopback`); otherwise a comma-separated list of addresses, CIDR ranges
 * or `loopback` / `linklocal` / `uniquelocal`. A hop count is refused: with one, every client
 * of a local proxy looked like 127.0.0.1 here, so one attacker's wrong tokens locked out all staff.
 */
export function parseTrustProxy(value: string | undefined): { trust: string[] | false } | { error: string } {
  const setting = value?.trim() ?? "";
  if (OFF_WORDS.includes(setting.toLowerCase())) return { trust: false };
  if (ON_WORDS.includes(setting.toLowerCase())) return { trust: ["loopback"] };
  const entries = setting
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    if (/^\d+$/.test(entry)) {
      return {
        error: `TALENTBOT_TRUST_PROXY=${setting}: a number of proxy hops is not supported; name the proxy instead: 1 or loopback (a proxy on this host), or its addresses, e.g. 10.0.0.5 or 10.0.0.0/24`,
      };
    }
    if (!PROXY_RANGE_NAMES.includes(entry.toLowerCase()) && !isAddressOrRange(entry)) {
      return { error: `TALENTBOT_TRUST_PROXY: "${entry}" is not an address, a CIDR range or one of ${PROXY_RANGE_NAMES.join(", ")}; e.g. TALENTBOT_TRUST_PROXY=loopback or 10.0.0.5,10.0.1.0/24` };
    }
  }
  return { trust: entries.map((entry) => (PROXY_RANGE_NAMES.includes(entry.toLowerCase()) ? entry.toLowerCase() : entry)) };
}

function isAddressOrRange(entry: string): boolean {
  const [address = "", bits, ...rest] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d{1,3}$/.test(bits) && n <= (family === 4 ? 32 : 128);
}
