/**
 * The rank score: a weighted mean of a candidate entry's evidence. Each signal sees the
 * question differently (the best single phrasing, all phrasings together, the answer text,
 * the naive-Bayes view, the nearest phrasings' vote, the softmax classifier), and none is
 * right alone; the weights say how much each is trusted. They are fitted, not guessed:
 * {@link fitRankWeights} learns them from the knowledge base's own alternates, each held out
 * in turn and asked as a question (`talentbot calibrate`, see DESIGN.md "Ranking").
 */

export const RANK_FEATURE_NAMES = ["phrasingScore", "entryRecall", "answerRecall", "coverage", "posterior", "votes", "classifier", "recall", "precision", "cosine", "answerCosine"] as const;

export type RankFeature = (typeof RANK_FEATURE_NAMES)[number];

/** Non-negative weight per signal; only their ratios matter. */
export type RankWeights = Record<RankFeature, number>;

/** A candidate's signals, all in [0, 1] (an EntryMatch is one). */
export type RankSignals = Record<RankFeature, number>;

/**
 * The weights used before a knowledge base has fitted its own (and while fitting them): meaning
 * and words in equal parts. A prior, not a fit: no knowledge base's figures went into it.
 */
export const PRIOR_RANK_WEIGHTS: RankWeights = {
  phrasingScore: 0.2,
  entryRecall: 0,
  answerRecall: 0.05,
  coverage: 0.1,
  posterior: 0.05,
  votes: 0.05,
  classifier: 0.05,
  recall: 0,
  precision: 0,
  cosine: 0.45,
  answerCosine: 0.05,
};

/**
 * Weighted mean of the signals, in [0, 1]. Pure. Without a classifier (knowledge bases above
 * `exhaustiveBelow` entries train none) its weight drops out instead of counting as a zero.
 */
export function rankScore(signals: RankSignals, weights: RankWeights, hasClassifier = true): number {
  let sum = 0;
  let total = 0;
  for (const name of RANK_FEATURE_NAMES) {
    if (name === "classifier" && !hasClassifier) continue;
    const w = weights[name];
    sum += w * signals[name];
    total += w;
  }
  return total > 0 ? sum / total : 0;
}

/** One training question: its candidates' signals and which candidate is right. */
export interface RankingExample {
  candidates: RankSignals[];
  correct: number;
}

export interface FitRankOptions {
  iterations: number;
  rate: number;
  l2: number;
  /** Sharpness of the softmax over candidates during training (scores are in [0, 1]). */
  temperature: number;
}

export const DEFAULT_FIT_RANK_OPTIONS: FitRankOptions = { iterations: 1500, rate: 0.5, l2: 0.001, temperature: 10 };

/**
 * Listwise softmax regression: raises the right candidate's share of exp(score) among the
 * question's candidates. Weights stay non-negative (every signal is evidence for, never
 * against) and are returned normalised to sum 1, rounded to three decimals. Pure and
 * deterministic. Throws when there is nothing to learn from.
 */
export function fitRankWeights(examples: readonly RankingExample[], options: Partial<FitRankOptions> = {}): RankWeights {
  const { iterations, rate, l2, temperature } = { ...DEFAULT_FIT_RANK_OPTIONS, ...options };
  const usable = examples.filter((e) => e.candidates.length > 1 && e.correct >= 0 && e.correct < e.candidates.length);
  if (usable.length === 0) throw new Error("rank: no training question has two or more candidates; add alternates to the FAQ entries");
  const d = RANK_FEATURE_NAMES.length;
  // Flat arrays and plain loops: a refit runs this on the bot's event loop. Same sums in the same order as the obvious version.
  const xs = usable.map((e) => Float64Array.from(e.candidates.flatMap((c) => RANK_FEATURE_NAMES.map((n) => c[n]))));
  const w = new Float64Array(d).fill(1 / d);
  const gradient = new Float64Array(d);
  const scores = new Float64Array(Math.max(...usable.map((e) => e.candidates.length)));
  for (let it = 0; it < iterations; it++) {
    gradient.fill(0);
    for (let q = 0; q < usable.length; q++) {
      const x = xs[q]!;
      const n = usable[q]!.candidates.length;
      const correct = usable[q]!.correct;
      let top = -Infinity;
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let i = 0; i < d; i++) s += x[j * d + i]! * w[i]!;
        scores[j] = temperature * s;
        if (scores[j]! > top) top = scores[j]!;
      }
      let z = 0;
      for (let j = 0; j < n; j++) z += scores[j] = Math.exp(scores[j]! - top);
      for (let j = 0; j < n; j++) {
        const err = scores[j]! / z - (j === correct ? 1 : 0);
        for (let i = 0; i < d; i++) gradient[i]! += temperature * err * x[j * d + i]!;
      }
    }
    for (let i = 0; i < d; i++) w[i] = Math.max(0, w[i]! - rate * (gradient[i]! / usable.length + l2 * w[i]!));
  }
  let total = 0;
  for (let i = 0; i < d; i++) total += w[i]!;
  total ||= 1;
  return Object.fromEntries(RANK_FEATURE_NAMES.map((n, i) => [n, Math.round((1000 * w[i]!) / total) / 1000])) as RankWeights;
}
