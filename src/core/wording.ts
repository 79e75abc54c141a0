import { maskPersonalData } from "../log/mask.js";
import type { BotConfig } from "../knowledge/types.js";
import { contactLine } from "./reply-text.js";

/** What the conversation core says (the engine's own wording is in reply-text.ts). */

export const BUSY_TEXT = "系统繁忙，请稍后再试";

export const NOT_TEXT_TEXT = "我目前只能阅读文字消息。请用文字描述您想咨询的问题，例如“人才子女入学需要什么材料”。";

export const TOO_FAST_TEXT = "您发送得有点快，请稍等片刻再继续提问。";

export const SUGGESTED_INTRO = "您是不是想问：";

/**
 * Said before an answer to a follow-up question, so the asker sees how it was read. Personal data
 * in it is masked: a reply may be stored (the web transcript, the platform's own history).
 */
export function followUpNote(understood: string): string {
  return `（接着上一个问题：${maskPersonalData(understood)}）`;
}

export { tooLongText } from "./reply-text.js";

export function choiceOutOfRangeText(count: number): string {
  return `请回复 ${Array.from({ length: count }, (_, i) => i + 1).join("、")} 中的一个序号，或换个说法再问。`;
}

export function humanText(bot: BotConfig, loggedQuestion: string | undefined): string {
  // Quoted masked, as it was logged: a reply may be stored (the web transcript, the platform's own history).
  const logged = loggedQuestion ? `已记录您的问题“${maskPersonalData(loggedQuestion)}”，工作人员会在工作时间通过这里回复您。` : "已为您登记人工服务，工作人员会在工作时间通过这里回复您。";
  return `${logged}\n${contactLine(bot)}`;
}

export const THANKS_FALLBACK = "不客气！还有其他关于人才政策的问题，随时问我。";

export const FEEDBACK_THANKS_TEXT = "感谢您的反馈！还有其他问题可以继续问我。";

export function unhelpfulText(bot: BotConfig): string {
  return `抱歉没能帮到您。您的问题已记录，工作人员会跟进改进答复。\n${contactLine(bot)}`;
}

export const NO_FEEDBACK_PENDING_TEXT = "感谢您的反馈！如需人工帮助，请回复“人工”。";

export function menuText(bot: BotConfig): string {
  return `${bot.help}\n\n回复“人工”可转人工服务。`;
}

export function staffReplyText(question: string | undefined, text: string): string {
  return question ? `关于您咨询的“${question}”，工作人员答复如下：\n${text}` : `工作人员答复您之前的咨询：\n${text}`;
}

/** `/start`: bot.yaml's greeting, as the console and the web page greet. */
export function greetingText(bot: BotConfig): string {
  return bot.greeting;
}

export const UNKNOWN_COMMAND_TEXT = "没有这个命令。请直接输入您的问题，或发送 /help 查看帮助。";

// Staff commands (/pending, /reply): what staff and everyone else read in the chat.
export const NOT_STAFF_TEXT = "抱歉，这个命令仅限工作人员使用。如有问题，请直接输入您想咨询的内容。";
export const STAFF_PRIVATE_ONLY_TEXT = "工作人员命令请在与机器人的私聊中使用。";
export const STAFF_UNAVAILABLE_TEXT = "工作人员命令暂时不可用（机器人没有连接问题记录）。";
export const REPLY_USAGE_TEXT = "用法：/reply 问题组编号 答复内容\n例如：/reply g3 人才公寓请向市住建局申请，咨询电话 0000-12345678。\n发送 /pending 查看待答复的问题组。";
export const STAFF_HELP = "工作人员命令：\n/pending 查看待答复的问题组\n/reply 问题组编号 答复内容 —— 答复后会发给所有提问者";
