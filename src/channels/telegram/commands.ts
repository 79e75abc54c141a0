import type { BotConfig, StaffPort } from "../../core/channel.js";
import type { ParsedCommand } from "./payload.js";
import { NOT_STAFF_TEXT, STAFF_HELP, STAFF_PRIVATE_ONLY_TEXT, STAFF_UNAVAILABLE_TEXT, pendingText, replyText } from "./staff-commands.js";

export const UNKNOWN_COMMAND_TEXT = "没有这个命令。请直接输入您的问题，或发送 /help 查看帮助。";
const EXAMPLES_INTRO = "您可以这样问（点按即可提问）：";

/** What answers a command: its text, the example questions to show as buttons, whether it quotes the command in a group. */
export interface CommandAnswer {
  text: string;
  examples?: string[];
  quote: boolean;
}

export interface CommandContext {
  /** The sender is in TELEGRAM_STAFF_IDS. */
  isStaff: boolean;
  isGroup: boolean;
  /** bot.yaml as it is now, when the running bot lends it. */
  bot: BotConfig | undefined;
  /** Greeting for /start when there is no bot.yaml. */
  greeting: string | undefined;
  staff: StaffPort | undefined;
}

/** /start, /help, the staff commands /pending and /reply, and anything else ("no such command"). */
export async function commandAnswer(command: ParsedCommand, ctx: CommandContext): Promise<CommandAnswer> {
  const { bot, isStaff, isGroup } = ctx;
  switch (command.name) {
    case "start":
      return withExamples(bot?.greeting ?? ctx.greeting ?? "您好！请直接输入您想咨询的问题。", bot);
    case "help":
      return withExamples([bot?.help ?? "请直接用一句话输入您想咨询的问题。", ...(isStaff && !isGroup ? [STAFF_HELP] : [])].join("\n\n"), bot);
    case "pending":
    case "reply": {
      if (!isStaff) return { text: NOT_STAFF_TEXT, quote: true };
      if (isGroup) return { text: STAFF_PRIVATE_ONLY_TEXT, quote: true };
      if (!ctx.staff) return { text: STAFF_UNAVAILABLE_TEXT, quote: false };
      return { text: command.name === "pending" ? await pendingText(ctx.staff) : await replyText(ctx.staff, command.args), quote: false };
    }
    default:
      return { text: UNKNOWN_COMMAND_TEXT, quote: true };
  }
}

function withExamples(text: string, bot: BotConfig | undefined): CommandAnswer {
  const examples = (bot?.examples ?? []).filter((e) => e.trim() !== "").slice(0, 10);
  if (examples.length === 0) return { text, quote: true };
  return { text: `${text}\n\n${EXAMPLES_INTRO}`, examples, quote: true };
}
