import { FEATURE_NAMES, probability, type DecisionOptions, type LogisticModel } from "./decide.js";

/** One labelled question: its decision features and what was true about it. */
export interface CalibrationSample {
  x: number[];
  /** The question is covered by an FAQ (expect is an FAQ id). */
  inScope: boolean;
  /** The best candidate is the expected FAQ. */
  topCorrect: boolean;
  /** False when a rule forbids answering it whatever the confidence ({@link answerBlocked}). Default true. */
  answerable?: boolean;
  /** False when no FAQ may even be suggested for it ({@link outOfScopeLookAlike}). Default true. */
  suggestable?: boolean;
}

export interface CalibrationTargets {
  /** Largest share of in-scope questions that may be answered wrongly. Default 0.015. */
  maxWrong: number;
  /** Largest share of out-of-scope questions that may be answered. Default 0.03. */
  maxNegativesAnswered: number;
  /** Largest share of out-of-scope questions that may be answered or offered as suggestions. Default 0.04. */
  maxNegativesShown: number;
}

/** The release floor (wrong ≤ 2 %, negatives answered ≤ 5 %) with a margin for unseen questions. */
export const DEFAULT_TARGETS: CalibrationTargets = { maxWrong: 0.015, maxNegativesAnswered: 0.03, maxNegativesShown: 0.04 };

/** L2-regularised logistic regression by batch gradient descent; small data, so simple is enough. */
export function fitLogistic(xs: readonly number[][], ys: readonly number[], { iterations = 4000, rate = 0.5, l2 = 0.001 } = {}): LogisticModel {
  const dims = xs[0]?.length ?? FEATURE_NAMES.length;
  const w = new Array<number>(dims).fill(0);
  let b = 0;
  const n = Math.max(xs.length, 1);
  for (let it = 0; it < iterations; it++) {
    const gw = new Array<number>(dims).fill(0);
    let gb = 0;
    xs.forEach((x, i) => {
      const err = probability({ weights: w, bias: b }, x) - ys[i]!;
      x.forEach((v, d) => (gw[d]! += err * v));
      gb += err;
    });
    for (let d = 0; d < dims; d++) w[d]! -= rate * (gw[d]! / n + l2 * w[d]!);
    b -= rate * (gb / n);
  }
  return { weights: w.map((v) => Math.round(v * 1000) / 1000), bias: Math.round(b * 1000) / 1000 };
}

export interface CalibrationResult {
  decision: Pick<DecisionOptions, "answerModel" | "answerThreshold" | "scopeModel" | "suggestThreshold">;
  figures: { correct: number; wrong: number; suggestedInScope: number; negativesAnswered: number; negativesSuggested: number; inScope: number; negatives: number };
}

const grid = Array.from({ length: 99 }, (_, i) => (i + 1) / 100);

/** Fits both models and picks the lowest thresholds that stay inside the targets. */
export function calibrate(samples: readonly CalibrationSample[], targets: CalibrationTargets = DEFAULT_TARGETS): CalibrationResult {
  const xs = samples.map((s) => s.x);
  const answerModel = fitLogistic(xs, samples.map((s) => (s.inScope && s.topCorrect ? 1 : 0)));
  const scopeModel = fitLogistic(xs, samples.map((s) => (s.inScope ? 1 : 0)));
  const inScope = samples.filter((s) => s.inScope).length;
  const negatives = samples.length - inScope;
  // A blocked question is never answered, so it cannot spend the budget of wrong answers.
  const pa = samples.map((s) => (s.answerable === false ? -1 : probability(answerModel, s.x)));
  const ps = samples.map((s) => (s.suggestable === false ? -1 : probability(scopeModel, s.x)));

  const answerThreshold =
    grid.find((t) => {
      const wrong = samples.filter((s, i) => pa[i]! >= t && s.inScope && !s.topCorrect).length;
      const neg = samples.filter((s, i) => pa[i]! >= t && !s.inScope).length;
      return wrong <= targets.maxWrong * inScope && neg <= targets.maxNegativesAnswered * negatives;
    }) ?? 1;
  const answered = (i: number) => pa[i]! >= answerThreshold;
  const suggestThreshold =
    grid.find((t) => samples.filter((s, i) => !s.inScope && (answered(i) || ps[i]! >= t)).length <= targets.maxNegativesShown * negatives) ?? 1;

  const figures = {
    inScope,
    negatives,
    correct: samples.filter((s, i) => answered(i) && s.inScope && s.topCorrect).length,
    wrong: samples.filter((s, i) => answered(i) && s.inScope && !s.topCorrect).length,
    suggestedInScope: samples.filter((s, i) => !answered(i) && s.inScope && ps[i]! >= suggestThreshold).length,
    negativesAnswered: samples.filter((s, i) => answered(i) && !s.inScope).length,
    negativesSuggested: samples.filter((s, i) => !answered(i) && !s.inScope && ps[i]! >= suggestThreshold).length,
  };
  return { decision: { answerModel, answerThreshold, scopeModel, suggestThreshold }, figures };
}
