import type { Context } from "../context.js";
import type { NextFunction } from "../composer.js";
import { pendingText, replyText } from "../staff-commands.js";
import { NOT_STAFF_TEXT, STAFF_PRIVATE_ONLY_TEXT, STAFF_UNAVAILABLE_TEXT, UNKNOWN_COMMAND_TEXT } from "../wording.js";
import { greet, showMenu } from "./commands.js";

/** A message of the form `/name args` (Telegram's command syntax), on any channel. */
export interface SlashCommand {
  /** Lower case: `start`, `help`, `pending`, `reply` … */
  name: string;
  /** The rest of the message after the name, trimmed (`g3 答复内容` for `/reply g3 答复内容`). */
  args: string;
}

// `/name`, `/name@SomeBot`, `／name` (a full-width slash, as Chinese keyboards type it), then the arguments.
const SLASH_COMMAND = /^[/／]([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]{3,64})?(?:\s+([\s\S]*))?$/;

/** The command in `text`, or undefined when it is not one (a Chinese word after the slash is text). */
export function parseSlashCommand(text: string): SlashCommand | undefined {
  const match = SLASH_COMMAND.exec(text.trim());
  if (!match) return undefined;
  return { name: match[1]!.toLowerCase(), args: (match[2] ?? "").trim() };
}

/**
 * Stage 2b: slash commands, the same on every channel. `/start` greets (bot.yaml `greeting`),
 * `/help` (and `/menu`) is 菜单; both are counted like 菜单 (small talk). `/pending` and
 * `/reply ID text` are staff work on the bot's own log (BotServices.staff): only for a sender the
 * channel marked as staff (IncomingMessage.isStaff), only in a private chat; everyone else is
 * refused politely. Any other `/word` is "no such command". None of them is logged for staff.
 */
export async function slashCommands(ctx: Context, next: NextFunction): Promise<void> {
  const command = ctx.command;
  if (!command) return next();
  switch (command.name) {
    case "start":
      return greet(ctx);
    case "help":
    case "menu":
      return showMenu(ctx);
    case "pending":
    case "reply":
      return staffCommand(ctx, command);
    default:
      return ctx.reply(UNKNOWN_COMMAND_TEXT);
  }
}

async function staffCommand(ctx: Context, command: SlashCommand): Promise<void> {
  const { message, services } = ctx;
  if (!message.isStaff) {
    // The operator learns the sender's id here (WeChat ids are found no other way) to add it to the channel's staff.
    services.report(`talentbot: /${command.name} from ${message.channel} sender ${message.senderId} refused: not one of the channel's staff`);
    return ctx.reply(NOT_STAFF_TEXT);
  }
  if (message.isGroup) return ctx.reply(STAFF_PRIVATE_ONLY_TEXT);
  const desk = services.staff;
  if (!desk) return ctx.reply(STAFF_UNAVAILABLE_TEXT);
  return ctx.reply(command.name === "pending" ? await pendingText(desk) : await replyText(desk, command.args));
}
