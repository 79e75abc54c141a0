/**
 * The Telegram channel, one concern per file: channel.ts (start, stop, updates in, replies out),
 * payload.ts (Telegram's message shapes → IncomingMessage fields), buttons.ts (inline keyboards
 * and what a press means), format.ts (HTML and the 4096-character limit), retries.ts (which API
 * failures are tried again, and how), staff-commands.ts (/pending, /reply), webhook.ts and
 * settings.ts (environment → options, the registration `talentbot start` walks).
 */
export { BUTTON_GONE_TEXT, TelegramChannel } from "./channel.js";
export { UNKNOWN_COMMAND_TEXT } from "./commands.js";
export type { TelegramChannelOptions } from "./options.js";
export { ButtonRegistry } from "./buttons.js";
export { TELEGRAM_TEXT_LIMIT, splitText, toTelegramHtml } from "./format.js";
export { parseCommand, telegramDate, telegramKind } from "./payload.js";
export { parseStaffIds, telegramRegistration } from "./settings.js";
export { NOT_STAFF_TEXT, REPLY_USAGE_TEXT, STAFF_PRIVATE_ONLY_TEXT, STAFF_UNAVAILABLE_TEXT } from "./staff-commands.js";
export { DEFAULT_WEBHOOK_PATH, WEBHOOK_SECRET_HEADER, webhookAddress } from "./webhook.js";
