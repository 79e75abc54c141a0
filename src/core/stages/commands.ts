import { FEEDBACK_HELPFUL, FEEDBACK_UNHELPFUL } from "../message.js";
import { TEXT_FEEDBACK_NO, TEXT_FEEDBACK_YES } from "../render-text.js";
import type { Context } from "../context.js";
import type { NextFunction } from "../composer.js";
import type { Reply } from "../message.js";
import { FEEDBACK_THANKS_TEXT, NO_FEEDBACK_PENDING_TEXT, STAFF_HELP, THANKS_FALLBACK, greetingText, humanText, menuText, unhelpfulText } from "../wording.js";

/** Whole-message commands, compared after normalisation (so "转人工！" and "谢谢～" count). */
export const HUMAN_WORDS = ["人工", "转人工", "人工服务", "人工客服", "找人工", "转人工服务", "我要人工", "真人"];
export const THANKS_WORDS = ["谢谢", "谢谢你", "谢谢您", "多谢", "感谢", "非常感谢", "谢啦", "好的谢谢", "thanks", "thankyou"];
export const MENU_WORDS = ["菜单", "目录", "帮助", "menu", "help"];

const keys = (words: readonly string[]) => new Set(words.map((w) => w.toLowerCase()));
export const HUMAN = keys(HUMAN_WORDS);
export const THANKS = keys(THANKS_WORDS);
export const MENU = keys(MENU_WORDS);

/**
 * Stage 3: 谢谢, 人工, 菜单 and feedback work whatever state the conversation is in.
 * 有帮助 / 没帮助 (button words) and 好 / 不好 (the text-channel prompt) are always feedback;
 * with no answer waiting for it they get a thank-you and are not logged.
 */
export async function commands(ctx: Context, next: NextFunction): Promise<void> {
  const key = ctx.key;
  const state = ctx.conversation;
  const { bot } = ctx.kb;

  if (HUMAN.has(key)) {
    const last = state.lastQuestion;
    ctx.outcome = {
      count: "human",
      record: {
        reason: "human",
        text: last?.text ?? ctx.text,
        normalized: last?.normalized ?? key,
        candidates: last?.candidates ?? [],
        ...(last?.loggedAs === undefined ? {} : { escalates: last.loggedAs }),
      },
    };
    delete state.choices;
    return ctx.reply(humanText(bot, last?.text));
  }

  if (THANKS.has(key)) {
    ctx.outcome = { count: "smalltalk" };
    // The knowledge base's own thanks wording when it has one (staff can edit it).
    const intent = ctx.kb.smalltalk.find((i) => i.id === "thanks");
    return ctx.reply(intent ? intent.reply.replaceAll("{botName}", bot.botName) : THANKS_FALLBACK);
  }

  if (MENU.has(key)) return showMenu(ctx);

  const pending = state.feedbackFor;
  // 好 / 不好 are the text channels' feedback words: never a question, even when nothing waits
  // for feedback (a 不好 typed after another message used to land in the staff queue).
  const helpful = key === FEEDBACK_HELPFUL || key === TEXT_FEEDBACK_YES;
  const unhelpful = key === FEEDBACK_UNHELPFUL || key === TEXT_FEEDBACK_NO;
  if (helpful || unhelpful) {
    delete state.feedbackFor;
    if (!pending) return ctx.reply(NO_FEEDBACK_PENDING_TEXT);
    if (helpful) return ctx.reply(FEEDBACK_THANKS_TEXT);
    const last = state.lastQuestion;
    ctx.outcome = {
      count: "unhelpful",
      record: { reason: "unhelpful", text: pending.question, normalized: pending.normalized, candidates: pending.candidates, faqId: pending.faqId },
      // A 人工 that follows is about the same question: it turns this entry into a request for a person, not a second one.
      onRecorded: (id) => {
        if (last && last.normalized === pending.normalized) last.loggedAs = id;
      },
    };
    return ctx.reply(unhelpfulText(bot));
  }

  await next();
}

/** 菜单 (and `/help`): bot.yaml's help, with its example questions; staff in a private chat also see their commands. Counted as small talk. */
export function showMenu(ctx: Context): Promise<void> {
  const { bot } = ctx.kb;
  const staff = ctx.message.isStaff === true && !ctx.message.isGroup;
  ctx.outcome = { count: "smalltalk" };
  delete ctx.conversation.choices;
  return ctx.reply(withExamples(staff ? `${menuText(bot)}\n\n${STAFF_HELP}` : menuText(bot), bot.examples));
}

/** `/start`: bot.yaml's greeting, with its example questions. Counted as small talk, like 菜单. */
export function greet(ctx: Context): Promise<void> {
  const { bot } = ctx.kb;
  ctx.outcome = { count: "smalltalk" };
  delete ctx.conversation.choices;
  return ctx.reply(withExamples(greetingText(bot), bot.examples));
}

function withExamples(text: string, examples: readonly string[]): Reply {
  const shown = examples.filter((e) => e.trim() !== "");
  return shown.length > 0 ? { text, examples: shown } : { text };
}
