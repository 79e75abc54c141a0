import type { EntryMatch, PassageMatch, SearchResult } from "../search/index.js";

/**
 * Rank and confidence are different things. Rank (EntryMatch.score) orders candidates;
 * confidence asks "is the best candidate right?", from how much of the question it explains
 * and how clearly it beats the runner-up. Two small logistic models turn those features into
 * probabilities; `talentbot calibrate` fits them on an evaluation set (see DESIGN.md).
 */
export interface LogisticModel {
  /** One weight per feature, in the order of {@link FEATURE_NAMES}. */
  weights: number[];
  bias: number;
}

export const FEATURE_NAMES = ["score", "phrasingRecall", "phrasingPrecision", "entryRecall", "coverage", "margin", "coverageMargin", "unknownShare", "posterior", "votes", "classifier", "uncoveredShare", "uncoveredPeak"] as const;

export interface DecisionOptions {
  /** P(best candidate is right): `answered` at or above `answerThreshold`. */
  answerModel: LogisticModel;
  answerThreshold: number;
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
 * (targets in calibrate.ts: wrong ≤ 1.5 %, negatives answered ≤ 4 %, answered or suggested ≤ 6 %).
 * Re-run it after large knowledge changes and paste the result here.
 */
export const DEFAULT_DECISION: DecisionOptions = {
  answerModel: { weights: [1.858, -0.022, 1.065, 1.453, 1.168, 2.247, 1.445, -1.668, 2.798, 1.905, 1.517, -1.51, -0.581], bias: -5.608 },
  answerThreshold: 0.66,
  scopeModel: { weights: [2.402, -0.207, 1.446, 1.37, 1.52, 1.724, 0.265, -1.942, 2.293, 1.68, 1.701, -1.573, -1.07], bias: -4.907 },
  suggestThreshold: 0.75,
  minAnswerMargin: 0.01,
  suggestWindow: 0.12,
  maxSuggestions: 3,
  excerptRecall: 0.6,
  maxExcerpts: 2,
};

/**
 * A probability as scaled log-odds in [0, 1]: the Bayes posterior and the classifier are
 * probabilities, and 0.02 against 0.2 says far more than 0.62 against 0.8. Logistic
 * regression weighs its inputs linearly, so it gets their log-odds (cross-validated on the
 * evaluation set: more answered correctly with fewer negatives answered than the raw values).
 */
export function logOdds(p: number): number {
  const clipped = Math.min(Math.max(p, 0.001), 0.999);
  return Math.log(clipped / (1 - clipped)) / 14 + 0.5;
}

/** Decision features of the best candidate; all in [0, 1]. Pure. */
export function features(result: Pick<SearchResult, "entries" | "unknownShare" | "uncoveredShare" | "uncoveredPeak">): number[] {
  const { entries, unknownShare } = result;
  const [best, runnerUp] = entries;
  if (!best) return FEATURE_NAMES.map(() => 0);
  const margin = best.score - (runnerUp?.score ?? 0);
  const coverageMargin = best.coverage - Math.max(0, ...entries.slice(1, 4).map((e) => e.coverage));
  return [best.score, best.recall, best.precision, best.entryRecall, best.coverage, margin, coverageMargin, unknownShare, logOdds(best.posterior), best.votes, logOdds(best.classifier), result.uncoveredShare, result.uncoveredPeak];
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

export function decide(result: Pick<SearchResult, "entries" | "passages" | "unknownShare" | "uncoveredShare" | "uncoveredPeak">, options: DecisionOptions = DEFAULT_DECISION): Decision {
  const { entries } = result;
  const best = entries[0];
  const x = features(result);
  const confidence = best ? probability(options.answerModel, x) : 0;
  const margin = best ? best.score - (entries[1]?.score ?? 0) : 0;
  if (best && confidence >= options.answerThreshold && margin >= options.minAnswerMargin) return { status: "answered", best, confidence };
  if (best && probability(options.scopeModel, x) >= options.suggestThreshold) {
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
