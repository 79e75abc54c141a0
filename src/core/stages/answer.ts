import type { FaqCandidate } from "../../log/types.js";
import type { Answer } from "../answer.js";
import type { Context } from "../context.js";
import type { ConversationState } from "../conversation.js";
import type { NextFunction } from "../composer.js";
import { askInContext } from "../follow-up.js";
import { nextTopic } from "../topic.js";
import { SUGGESTED_INTRO, followUpNote } from "../wording.js";

/**
 * Stage 5: ask the engine and turn its Answer into a Reply plus what to log:
 * answered → counted (a hit for its FAQ) with feedback offered; suggested → choices
 * remembered and logged for staff; excerpt / unanswered → logged for staff;
 * smalltalk → counted; empty / too_long → neither.
 */
export async function answerQuestion(ctx: Context, _next: NextFunction): Promise<void> {
  const state = ctx.conversation;
  // A follow-up (那D类呢？) is read against the conversation's subject; see follow-up.ts for when.
  const earlier = state.topic;
  const result = await askInContext(ctx.engine, ctx.text, earlier);
  const { answer, understood } = result;
  const topic = nextTopic(ctx.text, result);
  if (topic) state.topic = topic;
  delete state.choices;
  delete state.feedbackFor;
  const candidates = candidatesOf(answer);
  // Staff see what the follow-up was about; it groups with questions on that subject.
  const asked = understood && earlier ? `${ctx.text}（接着上一个问题：${earlier.question}）` : ctx.text;
  // The reply says how the message was read: the swapped question (D类人才购房补贴多少钱), or which question it followed.
  const note = understood && earlier ? `${followUpNote(result.swapped ? understood : earlier.question)}\n` : "";
  // The normalised form of the reading answered (masked first, see AnswerBase.normalized) is stored and becomes a group's match key.
  const { normalized, citation } = answer;
  const last: NonNullable<ConversationState["lastQuestion"]> = { text: asked, normalized, candidates };
  if (answer.status === "answered" || answer.status === "suggested" || answer.status === "excerpt" || answer.status === "unanswered") {
    state.lastQuestion = last;
  }

  switch (answer.status) {
    case "answered": {
      const { faqId } = answer;
      ctx.outcome = { count: "answered", faqId };
      state.feedbackFor = { faqId, question: ctx.text, normalized, candidates };
      return ctx.reply({ text: note + answer.text, feedback: true, ...(citation ? { citation } : {}) });
    }
    case "suggested": {
      const choices = answer.suggestions.map((s) => ({ label: s.question, faqId: s.faqId }));
      ctx.outcome = { count: "suggested", record: { reason: "suggested", text: asked, normalized, candidates }, onRecorded: (id) => (last.loggedAs = id) };
      state.choices = choices;
      // Another place's policy, the asker's own record: the engine's lead says why there is no answer.
      return ctx.reply({ text: note + (answer.lead ?? SUGGESTED_INTRO), choices });
    }
    case "excerpt":
    case "unanswered": {
      ctx.outcome = { count: answer.status, record: { reason: answer.status, text: asked, normalized, candidates }, onRecorded: (id) => (last.loggedAs = id) };
      return ctx.reply(citation ? { text: note + answer.text, citation } : answer.text);
    }
    case "smalltalk":
      ctx.outcome = { count: "smalltalk" };
      return ctx.reply(answer.text);
    case "empty":
    case "too_long":
      return ctx.reply(answer.text);
  }
}

function candidatesOf(answer: Answer): FaqCandidate[] {
  return answer.suggestions.map((s) => ({ faqId: s.faqId, score: s.score }));
}
