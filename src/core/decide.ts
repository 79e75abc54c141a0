import type { EntryMatch, PassageMatch } from "../search/index.js";

/**
 * Decision thresholds, calibrated on tests/eval/dev.jsonl (see DESIGN.md "Calibration").
 * A wrong confident answer costs far more than a suggestion or an honest "I don't know",
 * so `answered` needs both a strong match and a clear margin over the runner-up.
 */
export interface DecisionOptions {
  /** Minimum confidence for `answered`. */
  answerConfidence: number;
  /** Minimum rank score for a candidate to be suggested. */
  suggestScore: number;
  /** Minimum share of the question explained by a suggested candidate's phrasing. */
  suggestRecall: number;
  /** Suggestions must score within this distance of the best one. */
  suggestWindow: number;
  /** At most this many suggestions. */
  maxSuggestions: number;
  /** Minimum share of the question found in a policy article to quote it. */
  excerptRecall: number;
  /** At most this many quoted articles. */
  maxExcerpts: number;
  /** Margin over the runner-up at which the margin stops adding confidence. */
  fullMargin: number;
}

export const DEFAULT_DECISION: DecisionOptions = {
  answerConfidence: 0.5,
  suggestScore: 0.4,
  suggestRecall: 0.5,
  suggestWindow: 0.15,
  maxSuggestions: 3,
  excerptRecall: 0.6,
  maxExcerpts: 2,
  fullMargin: 0.2,
};

/**
 * Confidence is separate from rank: how much of the question the best phrasing explains,
 * scaled by how clearly it beats the runner-up. Pure function of the two best candidates.
 */
export function confidence(best: EntryMatch | undefined, runnerUp: EntryMatch | undefined, options: DecisionOptions = DEFAULT_DECISION): number {
  if (!best) return 0;
  const margin = best.score - (runnerUp?.score ?? 0);
  const marginFactor = Math.min(1, margin / options.fullMargin);
  const overlap = Math.sqrt(best.recall * best.score);
  return overlap * (0.5 + 0.5 * marginFactor);
}

export type Decision =
  | { status: "answered"; best: EntryMatch; confidence: number }
  | { status: "suggested"; choices: EntryMatch[]; confidence: number }
  | { status: "excerpt"; passages: PassageMatch[]; confidence: number }
  | { status: "unanswered"; confidence: number };

export function decide(entries: readonly EntryMatch[], passages: readonly PassageMatch[], options: DecisionOptions = DEFAULT_DECISION): Decision {
  const [best, runnerUp] = entries;
  const conf = confidence(best, runnerUp, options);
  if (best && conf >= options.answerConfidence) return { status: "answered", best, confidence: conf };
  if (best) {
    const choices = entries
      .filter((e) => e.score >= options.suggestScore && e.recall >= options.suggestRecall && e.score >= best.score - options.suggestWindow)
      .slice(0, options.maxSuggestions);
    if (choices.length === 1 && conf >= options.answerConfidence * 0.8) return { status: "answered", best, confidence: conf };
    if (choices.length > 0) return { status: "suggested", choices, confidence: conf };
  }
  const quotable = passages.filter((p) => p.recall >= options.excerptRecall && p.coversKeyTerm).slice(0, options.maxExcerpts);
  if (quotable.length > 0) return { status: "excerpt", passages: quotable, confidence: conf };
  return { status: "unanswered", confidence: conf };
}
