import type { Context } from "../context.js";
import type { NextFunction } from "../composer.js";
import type { ConversationState } from "../conversation.js";
import type { EligibilityRules } from "../../knowledge/eligibility.js";
import type { Citation, Reply, ReplyChoice } from "../message.js";
import { advance, isTrigger, reply, SKIP_LABEL, startDialogue, type Step } from "./dialogue.js";
import { askText, CHOICES_PROMPT, exitText, interruptedText, resultText } from "./wording.js";

/** A reply that fits no answer and is at least this long (comparison form) is taken for a question. */
export const INTERRUPTION_MIN_CHARS = 8;

/** A question of the check as a reply: its text, and buttons for its choices and for skipping. */
function askReply(step: Extract<Step, { kind: "ask" }>, intro: string | undefined): Reply {
  const { fact } = step;
  const choices: ReplyChoice[] | undefined =
    fact.type === "number" ? undefined : [...fact.choices.map((c) => ({ label: c.label, faqId: ELIGIBILITY_CHOICE })), { label: SKIP_LABEL, faqId: ELIGIBILITY_CHOICE }];
  const text = askText(step, intro);
  if (choices) return { text, choices, choicesPrompt: CHOICES_PROMPT, unsaved: true };
  const number = { ...(fact.unit ? { unit: fact.unit } : {}), ...(fact.min === undefined ? {} : { min: fact.min }), ...(fact.max === undefined ? {} : { max: fact.max }) };
  return { text, number, unsaved: true };
}

/**
 * The question a running check is waiting for, asked again, or undefined when no check runs.
 * Its replies are not kept in a transcript: a page reloaded mid-check shows this, so the user
 * sees what a "1" would answer.
 */
export function pendingQuestion(rules: EligibilityRules | undefined, state: ConversationState | undefined): Reply | undefined {
  const dialogue = state?.eligibility;
  const fact = dialogue?.asking === undefined ? undefined : rules?.facts.find((f) => f.id === dialogue.asking);
  if (!dialogue || !fact) return undefined;
  return askReply({ kind: "ask", fact, number: dialogue.history.length + 1 }, RESUMED_TEXT);
}

/** Said above a question shown again after a reload. */
export const RESUMED_TEXT = "（政策计算器还在进行中，回复“退出”可以结束）";

/** The `faqId` of a check's choices: they pick an answer to a question, not an FAQ. */
export const ELIGIBILITY_CHOICE = "eligibility";

/**
 * The eligibility check (政策计算器) as one middleware, installed after the commands (人工,
 * 谢谢, 菜单 still work mid-check) and before the choice pick. A trigger phrase from
 * `eligibility/facts.yaml` starts it; while it runs every message is a reply to its question
 * (see dialogue.ts). The facts live only in the conversation's expiring state; nothing of the
 * check is written to the question log (no outcome is set), only the benefit counts, and its
 * replies are `unsaved` (the web chat's transcript does not keep them).
 */
export async function eligibilityCheck(ctx: Context, next: NextFunction): Promise<void> {
  const rules = ctx.kb.eligibility;
  const state = ctx.conversation;
  if (!rules) {
    delete state.eligibility;
    return next();
  }
  let step: Step;
  if (isTrigger(rules, ctx.key)) {
    delete state.choices;
    delete state.feedbackFor;
    state.eligibility = startDialogue();
    step = advance(rules, state.eligibility);
  } else if (state.eligibility) {
    step = reply(rules, state.eligibility, ctx.key);
    if (step.kind === "ask" && step.retry && [...ctx.key].length >= INTERRUPTION_MIN_CHARS) {
      // Not an answer but a sentence: most likely a question of its own. Leave the check and let
      // the rest of the pipeline answer it (a short miss is asked again instead).
      delete state.eligibility;
      await ctx.reply(interruptedText(rules.triggers[0] ?? ""));
      return next();
    }
  } else return next();

  const started = state.eligibility.history.length === 0 && !("retry" in step && step.retry);
  switch (step.kind) {
    case "exit":
      delete state.eligibility;
      return ctx.reply({ text: exitText(rules.triggers[0] ?? ""), unsaved: true });
    case "ask":
      return ctx.reply(askReply(step, started ? (rules.intro ?? undefined) : undefined));
    case "result": {
      delete state.eligibility;
      const policies = new Map(ctx.kb.policies.map((p) => [p.id, p]));
      ctx.services.eligibility.record(step.results.filter((r) => r.outcome !== "unknown").map((r) => ({ id: r.benefit.id, applies: r.outcome === "applies" })));
      const text = resultText(
        rules,
        step.results,
        policies,
        ctx.kb.bot,
        step.skipped.map((f) => f.name),
      );
      // A link per benefit that applies (else to the first benefit's article), each article once.
      const applying = step.results.filter((r) => r.outcome === "applies");
      const cited = new Map<string, Citation>();
      for (const { benefit } of applying.length > 0 ? applying : step.results.slice(0, 1)) {
        const doc = policies.get(benefit.source.doc);
        const article = benefit.source.article;
        if (doc && !cited.has(`${doc.id}#${article ?? ""}`)) cited.set(`${doc.id}#${article ?? ""}`, { doc: doc.id, ...(article ? { article } : {}), title: doc.title });
      }
      const [citation, ...citations] = cited.values();
      return ctx.reply({ text, ...(citation ? { citation } : {}), ...(citations.length > 0 ? { citations } : {}), unsaved: true });
    }
  }
}
