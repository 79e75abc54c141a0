import type { ChannelRegistration } from "../../core/channel.js";
import { TelegramChannel } from "./channel.js";
import { webhookAddress } from "./webhook.js";

/** TELEGRAM_STAFF_IDS: numeric user ids separated by commas or spaces. */
export function parseStaffIds(raw: string | undefined): string[] | string {
  const ids = (raw ?? "").split(/[\s,;]+/).filter(Boolean);
  const bad = ids.filter((id) => !/^\d{1,20}$/.test(id));
  if (bad.length > 0) return `TELEGRAM_STAFF_IDS must be numeric Telegram user ids separated by commas (not "${bad.join(", ")}"); a user gets theirs from @userinfobot`;
  return ids;
}

/**
 * On when TELEGRAM_BOT_TOKEN is set. TELEGRAM_WEBHOOK_URL switches from long polling to a
 * webhook served by the bot's web server; TELEGRAM_WEBHOOK_SECRET fixes the secret token
 * (default: a new random one at every start); TELEGRAM_API_ROOT points at another Bot API
 * server; TELEGRAM_STAFF_IDS lists who may use /pending and /reply.
 */
export const telegramRegistration: ChannelRegistration = {
  name: "telegram",
  setup({ env }) {
    const token = env["TELEGRAM_BOT_TOKEN"]?.trim();
    if (!token) return { on: false, reason: "set TELEGRAM_BOT_TOKEN" };
    const staffIds = parseStaffIds(env["TELEGRAM_STAFF_IDS"]);
    if (typeof staffIds === "string") return { on: false, reason: staffIds };
    const apiRoot = env["TELEGRAM_API_ROOT"]?.trim() || undefined;
    if (apiRoot !== undefined && !/^https?:\/\/[^\s/]+/.test(apiRoot)) return { on: false, reason: `TELEGRAM_API_ROOT is not an http(s) address: "${apiRoot}"` };
    const webhookUrl = env["TELEGRAM_WEBHOOK_URL"]?.trim() || undefined;
    if (webhookUrl !== undefined) {
      const address = webhookAddress(webhookUrl);
      if (typeof address === "string") return { on: false, reason: address };
    }
    const webhookSecret = env["TELEGRAM_WEBHOOK_SECRET"]?.trim() || undefined;
    if (webhookSecret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(webhookSecret)) {
      return { on: false, reason: "TELEGRAM_WEBHOOK_SECRET may only hold A-Z, a-z, 0-9, _ and - (1-256 characters)" };
    }
    const channel = new TelegramChannel({
      token,
      staffIds,
      ...(apiRoot ? { apiRoot } : {}),
      ...(webhookUrl ? { webhookUrl } : {}),
      ...(webhookSecret ? { webhookSecret } : {}),
    });
    const staff = staffIds.length > 0 ? `staff ids ${staffIds.join(", ")}` : "no staff ids (TELEGRAM_STAFF_IDS)";
    const where = webhookUrl ? `${channel.mode} (POST ${channel.routes[0]!.path} on the bot's web server)` : "long polling";
    return { on: true, channel, routes: channel.routes, note: `${where}; ${staff}${apiRoot ? `; Bot API ${apiRoot}` : ""}` };
  },
};
