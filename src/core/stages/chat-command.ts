import { withoutControlCharacters } from "../../log/mask.js";
import { cleanText } from "../../search/normalize.js";
import { FEEDBACK_HELPFUL, FEEDBACK_UNHELPFUL } from "../message.js";
import { TEXT_FEEDBACK_NO, TEXT_FEEDBACK_YES } from "../render-text.js";
import { HUMAN, MENU, THANKS } from "./commands.js";
import { parseSlashCommand } from "./slash-commands.js";

/**
 * What a chat does with `text` before any answer is looked for, in the console's words (转人工,
 * 菜单, 致谢, 反馈, 政策计算器, 命令), or undefined for a question. For the console's hit test,
 * which runs the engine only and would otherwise show an "answer" the chat never gives.
 */
export function chatCommandOf(text: string, eligibilityTriggers: readonly string[] = []): string | undefined {
  const clean = withoutControlCharacters(text).trim();
  if (parseSlashCommand(clean)) return "命令（以 / 开头）";
  const key = cleanText(clean).replace(/\s+/g, "");
  if (HUMAN.has(key)) return "转人工";
  if (THANKS.has(key)) return "致谢";
  if (MENU.has(key)) return "菜单";
  if ([FEEDBACK_HELPFUL, FEEDBACK_UNHELPFUL, TEXT_FEEDBACK_YES, TEXT_FEEDBACK_NO].includes(key)) return "对回答的反馈";
  if (eligibilityTriggers.some((t) => cleanText(t).replace(/\s+/g, "") === key)) return "开始政策计算器";
  return undefined;
}
