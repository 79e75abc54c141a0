import { randomBytes } from "node:crypto";
import type { InlineKeyboardMarkup } from "telegraf/types";
import { FEEDBACK_HELPFUL, FEEDBACK_UNHELPFUL, type Reply } from "../../core/message.js";

const FEEDBACK_BUTTONS = [`👍 ${FEEDBACK_HELPFUL}`, `👎 ${FEEDBACK_UNHELPFUL}`] as const;

/** What a button press stands for: the text the person "says" by pressing it. */
export type ButtonKind = "c" | "f" | "e"; // choice, feedback, example

/**
 * Callback data is `<kind>:<token>:<index>` (≤ 64 bytes, as Telegram requires); the token names
 * a keyboard this process sent to that chat. Anything else — a keyboard from before a restart,
 * one older than `ttlMs`, data for another chat, made-up data — resolves to nothing.
 */
export class ButtonRegistry {
  private readonly issued = new Map<string, { chatId: string; kind: ButtonKind; texts: string[]; at: number }>();

  constructor(
    private readonly max = 20_000,
    private readonly ttlMs = 7 * 24 * 3600 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  issue(chatId: string, kind: ButtonKind, texts: string[]): string[] {
    const token = randomBytes(6).toString("base64url");
    this.issued.set(token, { chatId, kind, texts, at: this.now() });
    for (const oldest of this.issued.keys()) {
      if (this.issued.size <= this.max) break;
      this.issued.delete(oldest);
    }
    return texts.map((_, i) => `${kind}:${token}:${i}`);
  }

  resolve(data: string | undefined, chatId: string | undefined): { kind: ButtonKind; text: string } | undefined {
    const match = /^([cfe]):([A-Za-z0-9_-]{8}):(\d{1,2})$/.exec(data ?? "");
    if (!match || chatId === undefined) return undefined;
    const entry = this.issued.get(match[2]!);
    if (!entry || entry.kind !== match[1] || entry.chatId !== chatId || this.now() - entry.at > this.ttlMs) return undefined;
    const text = entry.texts[Number(match[3])];
    return text === undefined ? undefined : { kind: entry.kind, text };
  }
}

/** Telegram shows at most this many example questions as buttons. */
const EXAMPLES_SHOWN = 10;
const EXAMPLES_INTRO = "您可以这样问（点按即可提问）：";

/** The example questions a Reply offers as buttons: only when it has neither choices nor feedback. */
function examplesOf(reply: Reply): string[] {
  if ((reply.choices ?? []).length > 0 || reply.feedback) return [];
  return (reply.examples ?? []).filter((e) => e.trim() !== "").slice(0, EXAMPLES_SHOWN);
}

/** A Reply's text as Telegram shows it: with a line that says the example buttons below ask them. */
export function replyText(reply: Reply): string {
  return examplesOf(reply).length > 0 ? `${reply.text}\n\n${EXAMPLES_INTRO}` : reply.text;
}

/** A Reply's buttons: choices (numbered), else 👍/👎 when it asks for feedback, else its example questions, else none. */
export function replyKeyboard(buttons: ButtonRegistry, chatId: string, reply: Reply): InlineKeyboardMarkup | undefined {
  const choices = reply.choices ?? [];
  if (choices.length > 0) {
    const data = buttons.issue(
      chatId,
      "c",
      choices.map((c) => c.label),
    );
    return { inline_keyboard: choices.map((c, i) => [{ text: `${i + 1}. ${c.label}`, callback_data: data[i]! }]) };
  }
  if (reply.feedback) {
    const data = buttons.issue(chatId, "f", [FEEDBACK_HELPFUL, FEEDBACK_UNHELPFUL]);
    return { inline_keyboard: [FEEDBACK_BUTTONS.map((text, i) => ({ text, callback_data: data[i]! }))] };
  }
  const examples = examplesOf(reply);
  return examples.length > 0 ? examplesKeyboard(buttons, chatId, examples) : undefined;
}

/** Example questions as buttons, one per row, that ask them when pressed. */
export function examplesKeyboard(buttons: ButtonRegistry, chatId: string, examples: string[]): InlineKeyboardMarkup {
  const data = buttons.issue(chatId, "e", examples);
  return { inline_keyboard: examples.map((label, i) => [{ text: label, callback_data: data[i]! }]) };
}
