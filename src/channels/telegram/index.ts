/**
 * The Telegram channel, one concern per file: channel.ts (start, stop, updates in, replies out),
 * payload.ts (Telegram's message shapes → IncomingMessage fields), buttons.ts (inline keyboards
 * and what a press means), format.ts (HTML and the 4096-character limit), retries.ts (which API
 * failures are tried again, and how), webhook.ts and settings.ts (environment → options, the
 * registration `talentbot start` walks). Commands (/start, /help, /pending, /reply) are the core's
 * (src/core/stages/slash-commands.ts); the channel only says who is staff.
 */
export { BUTTON_GONE_TEXT, TelegramChannel } from "./channel.js";
export type { TelegramChannelOptions } from "./options.js";
export { ButtonRegistry } from "./buttons.js";
export { TELEGRAM_TEXT_LIMIT, splitText, toTelegramHtml } from "./format.js";
export { parseCommand, telegramDate, telegramKind } from "./payload.js";
export { parseStaffIds, telegramRegistration } from "./settings.js";
export { DEFAULT_WEBHOOK_PATH, WEBHOOK_SECRET_HEADER, webhookAddress } from "./webhook.js";
