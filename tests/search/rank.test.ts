import { describe, expect, it } from "vitest";
import { fitRankWeights, rankScore, RANK_FEATURE_NAMES, type RankSignals, type RankWeights } from "../../src/search/rank.js";

const signals = (values: Partial<RankSignals>): RankSignals => ({ ...Object.fromEntries(RANK_FEATURE_NAMES.map((n) => [n, 0])), ...values }) as RankSignals;
const weights = (values: Partial<RankWeights>): RankWeights => signals(values);

/** Deterministic pseudo-random numbers for synthetic data. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296;
}

describe("rankScore", () => {
  it("is the weighted mean of the signals", () => {
    const s = signals({ phrasingScore: 0.8, classifier: 0.2 });
    expect(rankScore(s, weights({ phrasingScore: 3, classifier: 1 }))).toBeCloseTo((3 * 0.8 + 1 * 0.2) / 4);
  });

  it("drops the classifier's weight when there is no classifier instead of counting it as zero", () => {
    const s = signals({ phrasingScore: 0.8, classifier: 0 });
    const w = weights({ phrasingScore: 1, classifier: 1 });
    expect(rankScore(s, w, true)).toBeCloseTo(0.4);
    expect(rankScore(s, w, false)).toBeCloseTo(0.8);
  });

  it("is 0 with no weights at all", () => {
    expect(rankScore(signals({ phrasingScore: 1 }), weights({}))).toBe(0);
  });
});

describe("fitRankWeights", () => {
  it("puts its weight on the signal that tells the right candidate apart, and returns a normalised non-negative mix", () => {
    const random = lcg(3);
    // The right candidate has the highest classifier value; every other signal is noise.
    const examples = Array.from({ length: 120 }, () => {
      const candidates = Array.from({ length: 5 }, () => signals(Object.fromEntries(RANK_FEATURE_NAMES.map((n) => [n, random()]))));
      const correct = Math.floor(random() * 5);
      const top = Math.max(...candidates.map((c) => c.classifier));
      candidates[correct]!.classifier = Math.min(1, top + 0.2);
      return { candidates, correct };
    });
    const w = fitRankWeights(examples);
    for (const name of RANK_FEATURE_NAMES) {
      expect(w[name]).toBeGreaterThanOrEqual(0);
      if (name !== "classifier") expect(w[name], name).toBeLessThan(w.classifier);
    }
    expect(RANK_FEATURE_NAMES.reduce((s, n) => s + w[n], 0)).toBeCloseTo(1, 2);
    const ranked = examples.filter((e) => e.candidates.reduce((b, c, i) => (rankScore(c, w) > rankScore(e.candidates[b]!, w) ? i : b), 0) === e.correct);
    expect(ranked.length / examples.length).toBeGreaterThan(0.95);
  });

  it("says what is missing when no question has a choice to learn from", () => {
    expect(() => fitRankWeights([{ candidates: [signals({ phrasingScore: 1 })], correct: 0 }])).toThrow(/rank: .*alternates/);
  });
});
