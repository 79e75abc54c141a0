import type { Answer } from "./answer.js";
import { round } from "./engine.js";

/** An answer as plain JSON: `talentbot ask --json`, and the staff console's "try a question". */
export function answerRecord(a: Answer) {
  return {
    question: a.question,
    status: a.status,
    faqId: a.status === "answered" ? a.faqId : undefined,
    score: round(a.score),
    confidence: round(a.confidence),
    suggestions: a.suggestions.map((s) => ({ faqId: s.faqId, question: s.question, score: s.score })),
    candidates: a.candidates,
    sources: a.sources.map((s) => ({ doc: s.doc, article: s.article })),
    outOfScope: a.outOfScope,
    text: a.text,
  };
}
