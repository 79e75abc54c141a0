import type { Reply } from "./message.js";

/** Escapes text for HTML element content and double-quoted attributes (the web pages, Telegram's HTML parse mode). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Words a text-only channel accepts for the feedback prompt (besides 有帮助 / 没帮助). */
export const TEXT_FEEDBACK_YES = "好";
export const TEXT_FEEDBACK_NO = "不好";

/**
 * A Reply as plain text, for channels without buttons (console, SMS-like channels):
 * choices become a numbered list with "回复 1、2、3 …", feedback becomes "回复 好 / 不好".
 */
export function renderText(reply: Reply): string {
  const lines = [reply.text];
  const choices = reply.choices ?? [];
  if (choices.length > 0) {
    lines.push(...choices.map((choice, i) => `${i + 1}. ${choice.label}`));
    lines.push(reply.choicesPrompt ?? `回复 ${choices.map((_, i) => i + 1).join("、")} 查看答案，或换个说法再问。`);
  }
  if (reply.feedback) lines.push(`这个回答有帮助吗？回复 ${TEXT_FEEDBACK_YES} / ${TEXT_FEEDBACK_NO}`);
  return lines.join("\n");
}

/**
 * A question as one line of a listing: a line break typed into it shows as ⏎, so text from a chat
 * can never print what looks like another entry (a staff terminal, `/pending`).
 */
export const oneLine = (text: string): string => text.replace(/\r\n|[\n\r\u2028\u2029]/g, " ⏎ ");
