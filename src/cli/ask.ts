import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import type { Answer } from "../core/answer.js";
import { answerRecord } from "../core/answer-record.js";
import type { AnswerEngine } from "../core/engine.js";
import { round } from "../core/engine.js";
import type { KnowledgeModel } from "../core/model-file.js";
import type { Output } from "./output.js";

export { answerRecord };

/** The hit-test record of one question; the format `talentbot ask --json` prints, one per line. */
/** What a fitted model learned from, in one line. */
export function describeFit(model: KnowledgeModel): string {
  const o = model.fittedOn;
  const parts = [`${o.alternatesHeldOut} held-out alternates`, `${o.entriesHeldOut} phrasings of held-out entries`, `${o.outOfScopeHeldOut} out-of-scope examples`];
  if (o.rewrites > 0) parts.push(`${o.rewrites} rewrites of questions without alternates`);
  if (o.labelled) parts.push(`${o.labelled.questions} labelled questions from ${o.labelled.file}`);
  // Boosted trees only for a fit with many labelled questions (calibrate.ts): say which the bureau got.
  return `${parts.join(", ")}; answer model: ${"kind" in model.decision.answerModel ? `${model.decision.answerModel.trees.length} boosted trees` : "logistic"}`;
}

export function describe(a: Answer, model?: KnowledgeModel): string {
  const parts = [`status ${a.status}`];
  if (a.faqId) parts.push(`faq ${a.faqId}`);
  parts.push(`score ${round(a.score)}`, `confidence ${round(a.confidence)}`);
  const guesses = a.suggestions.map((s) => `${s.faqId} ${s.score}`).join(", ");
  const lookAlike = a.outOfScope ? `\n[nearest out-of-scope example: ${a.outOfScope.example} ${a.outOfScope.score}]` : "";
  const fit = model ? `\n[model.json fitted ${model.fittedAt}]` : "";
  return `${a.text}\n\n[${parts.join(" · ")}]${guesses ? `\n[candidates: ${guesses}]` : ""}${lookAlike}${fit}`;
}

/** `ask --json`: one question per input line, one JSON object per output line, in order. Never logs. */
export async function askLines(engine: AnswerEngine, input: Readable, output: Output): Promise<number> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let count = 0;
  for await (const line of lines) {
    output.out(JSON.stringify(answerRecord(await engine.ask(line))));
    count++;
  }
  return count;
}
