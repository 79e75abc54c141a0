import { cleanText } from "../../search/normalize.js";
import type { Context } from "../context.js";
import type { NextFunction } from "../composer.js";
import { choiceOutOfRangeText } from "../wording.js";

const CHINESE_DIGITS = "一二三四五六七八九";
// "1", "１", "1.", "第1个", "第二条", "三": the ways people answer a numbered list.
const CHOICE_NUMBER = /^第?([1-9]|[一二三四五六七八九])(?:个|条|项|题)?$/;

/** The 1-based number in `key`, or undefined when it is not a bare choice number. */
export function choiceNumber(key: string): number | undefined {
  const match = CHOICE_NUMBER.exec(key);
  if (!match) return undefined;
  const digit = match[1]!;
  return /\d/.test(digit) ? Number(digit) : CHINESE_DIGITS.indexOf(digit) + 1;
}

/**
 * Stage 4: after a `suggested` reply, "1", "2", "3" or the text of a choice gets that FAQ's
 * answer. A number that is not on the list gets a hint; anything else is a new question.
 */
export async function pickChoice(ctx: Context, next: NextFunction): Promise<void> {
  const state = ctx.conversation;
  const choices = state.choices;
  if (!choices || choices.length === 0) return next();

  const number = choiceNumber(ctx.key);
  const picked = number !== undefined ? choices[number - 1] : choices.find((c) => cleanText(c.label).replace(/\s+/g, "") === ctx.key);
  if (number !== undefined && !picked) return ctx.reply(choiceOutOfRangeText(choices.length));
  if (!picked) return next();

  const answer = ctx.engine.answerFor(picked.faqId, picked.label);
  if (!answer) {
    // The knowledge base was reloaded without this FAQ since the choices were offered.
    delete state.choices;
    return next();
  }
  delete state.choices;
  state.feedbackFor = { faqId: picked.faqId, question: picked.label, normalized: answer.normalized, candidates: [{ faqId: picked.faqId, score: 1 }] };
  // The picked entry is now what the conversation is about: 需要什么材料 next refers to it.
  state.topic = { question: picked.label, faqId: picked.faqId };
  ctx.outcome = { count: "answered", faqId: picked.faqId };
  await ctx.reply({ text: answer.text, feedback: true, ...(answer.citation ? { citation: answer.citation } : {}) });
}
