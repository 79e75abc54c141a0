import { describe, expect, it } from "vitest";
import { calibrate, fitLogistic, wilsonUpper, type CalibrationSample } from "../../src/core/calibrate.js";
import { probability } from "../../src/core/decide.js";

/**
 * Two features: the first tells a right pick from a wrong one, the second tells covered
 * questions from uncovered ones. Neither alone separates every kind of mistake.
 */
function samples(): CalibrationSample[] {
  const out: CalibrationSample[] = [];
  for (let i = 0; i < 100; i++) out.push({ x: [0.6 + (i % 10) / 25, 0.6 + (i % 7) / 20], inScope: true, topCorrect: true });
  for (let i = 0; i < 10; i++) out.push({ x: [0.1 + i / 50, 0.7 + (i % 5) / 20], inScope: true, topCorrect: false });
  for (let i = 0; i < 40; i++) out.push({ x: [0.6 + (i % 10) / 25, 0.05 + (i % 8) / 40], inScope: false, topCorrect: false, kind: i % 2 ? "labelled" : "near-miss" });
  return out;
}

describe("calibrate", () => {
  it("keeps wrong answers and answered negatives inside the targets on the set it was fitted on", () => {
    const set = samples();
    const { decision, figures } = calibrate(set, { maxWrong: 0.02, negativeBudgets: { labelled: 0.05, "near-miss": 0.1, "out-of-scope": 0 }, suggestionAllowance: 0.05 });
    expect(figures.wrong).toBeLessThanOrEqual(0.02 * figures.inScope);
    // Each kind of negative within its own budget.
    const answered = (s: CalibrationSample) => probability(decision.answerModel, s.x) >= decision.answerThreshold;
    for (const [kind, budget] of [
      ["labelled", 0.05],
      ["near-miss", 0.1],
    ] as const) {
      const ofKind = set.filter((s) => !s.inScope && s.kind === kind);
      expect(ofKind.filter(answered).length, kind).toBeLessThanOrEqual(budget * ofKind.length);
    }
    expect(figures.negativesAnswered + figures.negativesSuggested).toBeLessThanOrEqual(0.15 * figures.negatives);
    // The figures must match what the fitted model and threshold do.
    expect(set.filter(answered).filter((s) => s.inScope && s.topCorrect).length).toBe(figures.correct);
    expect(figures.correct).toBeGreaterThan(90);
  });

  it("answers nothing when no threshold can meet the targets", () => {
    const set: CalibrationSample[] = [
      { x: [0.9], inScope: false, topCorrect: false },
      { x: [0.9], inScope: true, topCorrect: true },
    ];
    const { figures } = calibrate(set, { maxWrong: 0, negativeBudgets: { labelled: 0, "near-miss": 0, "out-of-scope": 0 }, suggestionAllowance: 0 });
    expect(figures.negativesAnswered).toBe(0);
    expect(figures.correct).toBe(0);
  });
});

describe("budgets that must hold on new questions", () => {
  it("wilsonUpper is the upper end of the one-sided 95 % Wilson interval", () => {
    expect(wilsonUpper(0, 100)).toBeCloseTo(0.0263, 3);
    expect(wilsonUpper(10, 100)).toBeCloseTo(0.1604, 3);
    expect(wilsonUpper(100, 1000)).toBeLessThan(wilsonUpper(10, 100)); // more questions, a tighter bound
    expect(wilsonUpper(0, 0)).toBe(0);
  });

  it("a bounded kind keeps its budget at the interval's upper end: a higher threshold, fewer of that kind answered", () => {
    const set = samples();
    const targets = { maxWrong: 0.05, negativeBudgets: { labelled: 0.3, "near-miss": 1, "out-of-scope": 1 }, suggestionAllowance: 0 };
    const plain = calibrate(set, targets);
    const bounded = calibrate(set, { ...targets, boundedKinds: ["labelled"] });
    const labelled = set.filter((s) => !s.inScope && s.kind === "labelled");
    const answeredBy = (d: typeof plain.decision) => labelled.filter((s) => probability(d.answerModel, s.x) >= d.answerThreshold).length;
    expect(bounded.decision.answerThreshold).toBeGreaterThan(plain.decision.answerThreshold);
    expect(answeredBy(plain.decision)).toBeLessThanOrEqual(0.3 * labelled.length);
    expect(wilsonUpper(answeredBy(plain.decision), labelled.length)).toBeGreaterThan(0.3);
    expect(wilsonUpper(answeredBy(bounded.decision), labelled.length)).toBeLessThanOrEqual(0.3);
  });
});

describe("fitLogistic", () => {
  it("separates classes along a feature that only moves in a narrow band (a cosine between 0.9 and 1)", () => {
    // Unstandardised, 4000 steps leave the weight far too small: the two classes get nearly the same probability.
    const xs = Array.from({ length: 200 }, (_, i) => [0.9 + (i % 100) / 1000, 0.5]);
    const ys = xs.map(([c]) => (c! >= 0.95 ? 1 : 0));
    const model = fitLogistic(xs, ys);
    expect(probability(model, [0.99, 0.5])).toBeGreaterThan(0.9);
    expect(probability(model, [0.91, 0.5])).toBeLessThan(0.1);
    expect(model.weights[1]).toBe(0); // a constant feature keeps weight 0
  });
});
