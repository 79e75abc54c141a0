export const WEBHOOK_SECRET_HEADER = "x-telegram-bot-api-secret-token";
/** Where the webhook listens when TELEGRAM_WEBHOOK_URL has no path of its own. */
export const DEFAULT_WEBHOOK_PATH = "/telegram/webhook";

/** Where the webhook is served, from TELEGRAM_WEBHOOK_URL; a message when the address is unusable. */
export function webhookAddress(raw: string): { url: string; path: string } | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `TELEGRAM_WEBHOOK_URL is not an address: "${raw}" (e.g. https://bot.example.gov.cn${DEFAULT_WEBHOOK_PATH})`;
  }
  if (url.protocol !== "https:") return `TELEGRAM_WEBHOOK_URL must start with https:// — Telegram only posts to HTTPS (got "${raw}")`;
  if (url.pathname === "/" || url.pathname === "") url.pathname = DEFAULT_WEBHOOK_PATH;
  return { url: url.toString(), path: url.pathname };
}
