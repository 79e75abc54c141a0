import { beforeAll, describe, expect, it } from "vitest";
import type { AnswerEngine } from "../../src/core/engine.js";
import { engineFor } from "../helpers/engine.js";
import { features, FEATURE_NAMES, logOdds } from "../../src/core/decide.js";
import { loadKnowledge } from "../../src/knowledge/load.js";
import { writeMiniKb } from "../helpers/mini-kb.js";

let engine: AnswerEngine;

beforeAll(async () => {
  engine = await engineFor(await loadKnowledge(await writeMiniKb()));
});

describe("uncovered words (a subject no FAQ entry talks about)", () => {
  it("are zero when every word of the question is in some entry", async () => {
    const r = await engine.search("孩子入学要准备哪些材料");
    expect(r.uncoveredShare).toBe(0);
    expect(r.uncoveredPeak).toBe(0);
  });

  it("count words only the policy text has, not just words nobody has", async () => {
    // 租金 is in the mini knowledge base's policy text (人才公寓 article), in no FAQ entry.
    const r = await engine.search("租金需要什么材料");
    expect(r.unknownShare).toBe(0);
    expect(r.uncoveredShare).toBeGreaterThan(0.2);
    expect(r.uncoveredPeak).toBe(1); // it is the question's heaviest word
  });

  it("reach the decision features", async () => {
    const r = await engine.search("租金需要什么材料");
    const x = features(r);
    expect(x).toHaveLength(FEATURE_NAMES.length);
    expect(x[FEATURE_NAMES.indexOf("uncoveredShare")]).toBeCloseTo(r.uncoveredShare);
    for (const v of x) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
  });
});

describe("logOdds", () => {
  it("maps probabilities to [0, 1] in order, with 0.5 in the middle and the ends clipped", async () => {
    expect(logOdds(0.5)).toBeCloseTo(0.5);
    expect(logOdds(0)).toBeGreaterThanOrEqual(0);
    expect(logOdds(1)).toBeLessThanOrEqual(1);
    expect(logOdds(0)).toBe(logOdds(0.0001));
    const ps = [0.001, 0.02, 0.2, 0.62, 0.8, 0.98];
    for (let i = 1; i < ps.length; i++) expect(logOdds(ps[i]!)).toBeGreaterThan(logOdds(ps[i - 1]!));
    // The point of it: near the ends a small change in probability is a large change in evidence.
    expect(logOdds(0.2) - logOdds(0.02)).toBeGreaterThan(logOdds(0.8) - logOdds(0.62));
  });
});
