import { describe, expect, it } from "vitest";
import { calibrate, type CalibrationSample } from "../../src/core/calibrate.js";
import { calibrateRank } from "../../src/core/calibrate-rank.js";
import { probability } from "../../src/core/decide.js";
import { loadKnowledge } from "../../src/knowledge/load.js";
import { DEFAULT_SEARCH_OPTIONS } from "../../src/search/index.js";
import { RANK_FEATURE_NAMES } from "../../src/search/rank.js";
import { writeMiniKb } from "../helpers/mini-kb.js";

/**
 * Two features: the first tells a right pick from a wrong one, the second tells covered
 * questions from uncovered ones. Neither alone separates every kind of mistake.
 */
function samples(): CalibrationSample[] {
  const out: CalibrationSample[] = [];
  for (let i = 0; i < 100; i++) out.push({ x: [0.6 + (i % 10) / 25, 0.6 + (i % 7) / 20], inScope: true, topCorrect: true });
  for (let i = 0; i < 10; i++) out.push({ x: [0.1 + i / 50, 0.7 + (i % 5) / 20], inScope: true, topCorrect: false });
  for (let i = 0; i < 40; i++) out.push({ x: [0.6 + (i % 10) / 25, 0.05 + (i % 8) / 40], inScope: false, topCorrect: false });
  return out;
}

describe("calibrate", () => {
  it("keeps wrong answers and answered negatives inside the targets on the set it was fitted on", () => {
    const set = samples();
    const { decision, figures } = calibrate(set, { maxWrong: 0.02, maxNegativesAnswered: 0.05, maxNegativesShown: 0.1 });
    expect(figures.wrong).toBeLessThanOrEqual(0.02 * figures.inScope);
    expect(figures.negativesAnswered).toBeLessThanOrEqual(0.05 * figures.negatives);
    expect(figures.negativesAnswered + figures.negativesSuggested).toBeLessThanOrEqual(0.1 * figures.negatives);
    // The figures must match what the fitted model and threshold do.
    const answered = set.filter((s) => probability(decision.answerModel, s.x) >= decision.answerThreshold);
    expect(answered.filter((s) => s.inScope && s.topCorrect).length).toBe(figures.correct);
    expect(figures.correct).toBeGreaterThan(90);
  });

  it("answers nothing when no threshold can meet the targets", () => {
    const set: CalibrationSample[] = [
      { x: [0.9], inScope: false, topCorrect: false },
      { x: [0.9], inScope: true, topCorrect: true },
    ];
    const { figures } = calibrate(set, { maxWrong: 0, maxNegativesAnswered: 0, maxNegativesShown: 0 });
    expect(figures.negativesAnswered).toBe(0);
    expect(figures.correct).toBe(0);
  });
});

describe("calibrateRank", () => {
  it("learns the shipped rank weights from the sample's own alternates, held out in turn", async () => {
    const kb = await loadKnowledge("knowledge");
    const uniform = Object.fromEntries(RANK_FEATURE_NAMES.map((n) => [n, 1])) as typeof DEFAULT_SEARCH_OPTIONS.rankWeights;
    const rank = calibrateRank(kb, uniform);
    expect(rank.asked).toBe(kb.faqs.reduce((n, f) => n + f.alternates.length, 0));
    expect(rank.examples).toBeGreaterThan(0.9 * rank.asked);
    expect(RANK_FEATURE_NAMES.reduce((s, n) => s + rank.weights[n], 0)).toBeCloseTo(1, 2);
    // Fitted beats an unweighted mean of the signals on the held-out alternates…
    expect(rank.top1After).toBeGreaterThan(rank.top1Before);
    // …and the defaults in src/search/index.ts are what the fit gives (re-paste after knowledge changes).
    for (const n of RANK_FEATURE_NAMES) expect(Math.abs(rank.weights[n] - DEFAULT_SEARCH_OPTIONS.rankWeights[n]), n).toBeLessThan(0.03);
  });

  it("says what is missing when the knowledge base has nothing to learn from", async () => {
    const kb = await loadKnowledge(await writeMiniKb());
    expect(() => calibrateRank(kb, DEFAULT_SEARCH_OPTIONS.rankWeights, { folds: 2 })).toThrow(/add alternates/);
  });
});
