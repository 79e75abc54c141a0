import type { EntryMatch, PassageMatch, SearchResult } from "../search/index.js";
import { treeProbability, type TreeModel } from "./boosted-trees.js";

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

export const FEATURE_NAMES = [
  "score",
  "phrasingRecall",
  "phrasingPrecision",
  "entryRecall",
  "coverage",
  "margin",
  "coverageMargin",
  "unknownShare",
  "posterior",
  "votes",
  "classifier",
  "uncoveredShare",
  "uncoveredPeak",
  "outOfScope",
  "cosine",
  "cosineMargin",
  "agreement",
  "outOfScopeCosine",
  "answerCosine",
  "missingPeak",
  "extraPeak",
] as const;

export interface DecisionOptions {
  /** P(best candidate is right): `answered` at or above `answerThreshold`. Boosted trees in a large fit (calibrate.ts). */
  answerModel: AnswerModel;
  answerThreshold: number;
  /** Never answer when the runner-up scores within this distance: a tie is a choice for the user. */
  minAnswerMargin: number;
  /**
   * Never answer when an out-of-scope example (knowledge/out-of-scope.md) matches the question
   * better than the best entry's best phrasing by this much: staff said questions like it get no
   * FAQ answer. Default 0.2 (cross-validated; at 0 near ties cost right answers).
   */
  outOfScopeMargin: number;
  /** P(the question is one the FAQ covers): `suggested` at or above `suggestThreshold` when not answered. */
  scopeModel: LogisticModel;
  suggestThreshold: number;
  /**
   * Neither answer nor suggest when the best entry's cosine is below this: the question means
   * nothing like any phrasing (最后一行 shares a word, not a meaning). Fitted per knowledge base
   * (the 2nd percentile of the cosines its own right-ranked held-out questions reach); default 0.
   */
  minCosine: number;
  /** Suggestions must score within this distance of the best one. */
  suggestWindow: number;
  maxSuggestions: number;
  /** Minimum share of the question found in a policy article to quote it. */
  excerptRecall: number;
  maxExcerpts: number;
}

/**
 * Generic defaults. The four fitted values (both models and their thresholds) belong to a
 * knowledge base and come from its model.json (see model-file.ts); the ones here only stand in
 * until a fit exists, and never answer or suggest.
 */
export const DEFAULT_DECISION: DecisionOptions = {
  answerModel: { weights: [], bias: 0 },
  answerThreshold: 1.01,
  scopeModel: { weights: [], bias: 0 },
  suggestThreshold: 1.01,
  minAnswerMargin: 0.01,
  outOfScopeMargin: 0.2,
  minCosine: 0,
  suggestWindow: 0.12,
  maxSuggestions: 3,
  excerptRecall: 0.6,
  maxExcerpts: 2,
};

/** The logistic model over just these features (others weigh 0). */
function modelOver(weights: Partial<Record<(typeof FEATURE_NAMES)[number], number>>, bias: number): LogisticModel {
  return { weights: FEATURE_NAMES.map((n) => weights[n] ?? 0), bias };
}

/**
 * The decision of a knowledge base too small to fit one (a few entries without alternates): a
 * prior, not a fit. It answers when the question means nearly what a phrasing says (cosine
 * about 0.8 or more with the shipped model) and shares its words; it suggests from about 0.73.
 */
export const PRIOR_DECISION: Pick<DecisionOptions, "answerModel" | "answerThreshold" | "scopeModel" | "suggestThreshold"> = {
  answerModel: modelOver({ cosine: 16, phrasingRecall: 3 }, -16 * 0.8 - 3 * 0.5),
  answerThreshold: 0.5,
  scopeModel: modelOver({ cosine: 16, phrasingRecall: 3 }, -16 * 0.8 - 3 * 0.5),
  suggestThreshold: 0.25,
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
export function features(result: DecisionInput): number[] {
  const { entries, unknownShare } = result;
  const [best, runnerUp] = entries;
  if (!best) return FEATURE_NAMES.map(() => 0);
  const margin = best.score - (runnerUp?.score ?? 0);
  const coverageMargin = best.coverage - Math.max(0, ...entries.slice(1, 4).map((e) => e.coverage));
  // How far the best entry's meaning stands above every other candidate's (not just the runner-up in rank).
  const cosineMargin = best.cosine - entries.slice(1).reduce((m, e) => Math.max(m, e.cosine), 0);
  const agreement = (result.denseLeader === undefined || result.denseLeader === best.id ? 0.5 : 0) + (result.lexicalLeader === best.id ? 0.5 : 0);
  return [
    best.score,
    best.recall,
    best.precision,
    best.entryRecall,
    best.coverage,
    margin,
    coverageMargin,
    unknownShare,
    logOdds(best.posterior),
    best.votes,
    logOdds(best.classifier),
    result.uncoveredShare,
    result.uncoveredPeak,
    result.outOfScopeScore,
    best.cosine,
    cosineMargin,
    agreement,
    result.outOfScopeCosine,
    best.answerCosine,
    result.missingPeak,
    result.extraPeak,
  ];
}

/** The answer model: logistic, or gradient-boosted trees where the fit had samples enough (calibrate.ts). */
export type AnswerModel = LogisticModel | TreeModel;

export function probability(model: AnswerModel, x: readonly number[]): number {
  if ("kind" in model) return treeProbability(model, x);
  let z = model.bias;
  x.forEach((v, i) => (z += (model.weights[i] ?? 0) * v));
  return 1 / (1 + Math.exp(-z));
}

type DecisionInput = Pick<
  SearchResult,
  "entries" | "unknownShare" | "uncoveredShare" | "uncoveredPeak" | "outOfScopeScore" | "outOfScopeCosine" | "denseLeader" | "lexicalLeader" | "missingPeak" | "extraPeak"
>;

/**
 * An out-of-scope example matches the question clearly better than any phrasing of the best
 * entry: staff said questions like it get no FAQ answer, so none is answered or suggested. Pure.
 */
export function outOfScopeLookAlike(result: DecisionInput, options: Pick<DecisionOptions, "outOfScopeMargin">): boolean {
  const best = result.entries[0];
  return best !== undefined && result.outOfScopeScore - best.phrasingScore >= options.outOfScopeMargin;
}

/** Whether a rule forbids answering, whatever the confidence: a near tie, or an out-of-scope look-alike. Pure. */
export function answerBlocked(result: DecisionInput, options: Pick<DecisionOptions, "minAnswerMargin" | "outOfScopeMargin">): boolean {
  const [best, runnerUp] = result.entries;
  if (!best) return true;
  return best.score - (runnerUp?.score ?? 0) < options.minAnswerMargin || outOfScopeLookAlike(result, options);
}

/** The "did you mean" choices among ranked entries: within `suggestWindow` of the best, at most `maxSuggestions`. Pure. */
export function suggestionChoices(entries: readonly EntryMatch[], options: Pick<DecisionOptions, "suggestWindow" | "maxSuggestions">): EntryMatch[] {
  const best = entries[0];
  if (!best) return [];
  return entries.filter((e) => e.score >= best.score - options.suggestWindow).slice(0, options.maxSuggestions);
}

export type Decision =
  | { status: "answered"; best: EntryMatch; confidence: number }
  | { status: "suggested"; choices: EntryMatch[]; confidence: number }
  | { status: "excerpt"; passages: PassageMatch[]; confidence: number }
  | { status: "unanswered"; confidence: number };

export function decide(result: DecisionInput & Pick<SearchResult, "passages">, options: DecisionOptions = DEFAULT_DECISION): Decision {
  const { entries } = result;
  const best = entries[0];
  const x = features(result);
  const confidence = best ? probability(options.answerModel, x) : 0;
  const meaningless = best !== undefined && best.cosine < options.minCosine;
  if (best && !meaningless && confidence >= options.answerThreshold && !answerBlocked(result, options)) return { status: "answered", best, confidence };
  if (best && !meaningless && probability(options.scopeModel, x) >= options.suggestThreshold && !outOfScopeLookAlike(result, options)) {
    return { status: "suggested", choices: suggestionChoices(entries, options), confidence };
  }
  // A second article is quoted only when it is nearly as relevant as the first.
  const relevance = (p: PassageMatch) => p.recall + p.titleRecall;
  const quotable = result.passages().filter((p) => p.recall >= options.excerptRecall && p.coversKeyTerm);
  const top = quotable[0];
  const quoted = top ? quotable.filter((p) => relevance(p) >= 0.8 * relevance(top)).slice(0, options.maxExcerpts) : [];
  if (quoted.length > 0) return { status: "excerpt", passages: quoted, confidence };
  return { status: "unanswered", confidence };
}
