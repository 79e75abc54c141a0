import type { Context } from "../context.js";
import type { NextFunction } from "../composer.js";
import { NOT_TEXT_TEXT, TOO_FAST_TEXT, tooLongText } from "../wording.js";

/**
 * Stage 2: messages the bot should not (or cannot) answer. In order: group messages not
 * addressed to the bot are ignored without a word; a sender over the rate limit is told once,
 * then ignored until the window frees; non-text gets an explanation; an overlong message
 * gets a request to shorten (never a silently truncated answer) — except a staff command: a
 * `/reply` carries the staff's whole answer. None of these is logged.
 */
export async function guards(ctx: Context, next: NextFunction): Promise<void> {
  const { message, services } = ctx;
  if (message.isGroup && !message.mentionsBot) return;

  // A reply to a running eligibility check is not counted: buttons are pressed fast and it costs no engine call.
  const decision = ctx.conversation.eligibility ? "allow" : services.rateLimiter.check(message.channel, message.senderId, services.now().getTime());
  if (decision === "drop") return;
  if (decision === "warn") return ctx.reply(TOO_FAST_TEXT);

  if (message.kind !== "text") return ctx.reply(NOT_TEXT_TEXT);

  const max = services.settings.maxMessageChars;
  const staffCommand = ctx.command !== undefined && message.isStaff === true;
  if (!staffCommand && [...ctx.text].length > max) return ctx.reply(tooLongText(max));

  await next();
}
