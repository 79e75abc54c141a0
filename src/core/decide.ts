import type { EntryMatch, PassageMatch, SearchResult } from "../search/index.js";

/**
 * Rank and confidence are different things. Rank (EntryMatch.score) orders candidates;
 * confidence asks two questions, each answered by a small logistic model over the same
 * features: "is the best candidate right?" (answer model) and "does the FAQ cover this
 * question at all?" (scope model). An answer needs both; a wrong pick and an uncovered subject
 * are different failures, and each model is trained on its own. `talentbot calibrate` fits them
 * on an evaluation set (see DESIGN.md).
 */
export interface LogisticModel {
  /** One weight per feature, in the order of {@link FEATURE_NAMES}. */
  weights: number[];
  bias: number;
}

export const FEATURE_NAMES = ["score", "phrasingRecall", "phrasingPrecision", "entryRecall", "coverage", "margin", "coverageMargin", "unknownShare", "posterior", "votes", "classifier"] as const;

export interface DecisionOptions {
  /** P(best candidate is right): `answered` needs at least `answerThreshold`… */
  answerModel: LogisticModel;
  answerThreshold: number;
  /** …and P(the question is one the FAQ covers), from `scopeModel`, of at least this. */
  answerScopeThreshold: number;
  /** Never answer when the runner-up scores within this distance: a tie is a choice for the user. */
  minAnswerMargin: number;
  /** P(the question is one the FAQ covers): `suggested` at or above `suggestThreshold` when not answered. */
  scopeModel: LogisticModel;
  suggestThreshold: number;
  /** Suggestions must score within this distance of the best one. */
  suggestWindow: number;
  maxSuggestions: number;
  /** Minimum share of the question found in a policy article to quote it. */
  excerptRecall: number;
  maxExcerpts: number;
}

/**
 * Fitted by `talentbot calibrate` on tests/eval/dev.jsonl with the sample knowledge base
 * (targets in calibrate.ts: wrong ≤ 1.5 %, negatives answered ≤ 4.5 %, answered or suggested ≤ 6 %).
 * Re-run it after large knowledge changes and paste the result here.
 */
export const DEFAULT_DECISION: DecisionOptions = {
  answerModel: { weights: [2.049, 0.285, 1.798, 0.67, 3.231, 0.78, 1.272, -2.703, 0.988, 1.473, 1.91], bias: -5.298 },
  answerThreshold: 0.54,
  answerScopeThreshold: 0.69,
  scopeModel: { weights: [2.026, -0.324, 1.937, 0.866, 3.047, 0.302, 0.019, -2.937, 0.585, 1.748, 1.974], bias: -4.357 },
  suggestThreshold: 0.67,
  minAnswerMargin: 0.01,
  suggestWindow: 0.12,
  maxSuggestions: 3,
  excerptRecall: 0.6,
  maxExcerpts: 2,
};

/** Decision features of the best candidate; all in [0, 1]. Pure. */
export function features(entries: readonly EntryMatch[], unknownShare: number): number[] {
  const [best, runnerUp] = entries;
  if (!best) return FEATURE_NAMES.map(() => 0);
  const margin = best.score - (runnerUp?.score ?? 0);
  const coverageMargin = best.coverage - Math.max(0, ...entries.slice(1, 4).map((e) => e.coverage));
  return [best.score, best.recall, best.precision, best.entryRecall, best.coverage, margin, coverageMargin, unknownShare, best.posterior, best.votes, best.classifier];
}

export function probability(model: LogisticModel, x: readonly number[]): number {
  let z = model.bias;
  x.forEach((v, i) => (z += (model.weights[i] ?? 0) * v));
  return 1 / (1 + Math.exp(-z));
}

export type Decision =
  | { status: "answered"; best: EntryMatch; confidence: number }
  | { status: "suggested"; choices: EntryMatch[]; confidence: number }
  | { status: "excerpt"; passages: PassageMatch[]; confidence: number }
  | { status: "unanswered"; confidence: number };

export function decide(result: Pick<SearchResult, "entries" | "passages" | "unknownShare">, options: DecisionOptions = DEFAULT_DECISION): Decision {
  const { entries } = result;
  const best = entries[0];
  const x = features(entries, result.unknownShare);
  const confidence = best ? probability(options.answerModel, x) : 0;
  const inScope = best ? probability(options.scopeModel, x) : 0;
  const margin = best ? best.score - (entries[1]?.score ?? 0) : 0;
  if (best && confidence >= options.answerThreshold && inScope >= options.answerScopeThreshold && margin >= options.minAnswerMargin) return { status: "answered", best, confidence };
  if (best && inScope >= options.suggestThreshold) {
    const choices = entries.filter((e) => e.score >= best.score - options.suggestWindow).slice(0, options.maxSuggestions);
    return { status: "suggested", choices, confidence };
  }
  // A second article is quoted only when it is nearly as relevant as the first.
  const relevance = (p: PassageMatch) => p.recall + p.titleRecall;
  const quotable = result.passages().filter((p) => p.recall >= options.excerptRecall && p.coversKeyTerm);
  const top = quotable[0];
  const quoted = top ? quotable.filter((p) => relevance(p) >= 0.8 * relevance(top)).slice(0, options.maxExcerpts) : [];
  if (quoted.length > 0) return { status: "excerpt", passages: quoted, confidence };
  return { status: "unanswered", confidence };
}
