import { beforeAll, describe, expect, it } from "vitest";
import type { AnswerEngine } from "../../src/core/engine.js";
import { engineFor } from "../helpers/engine.js";
import { answerBlocked, DEFAULT_DECISION, outOfScopeLookAlike } from "../../src/core/decide.js";
import { loadKnowledge } from "../../src/knowledge/load.js";
import type { KnowledgeBase } from "../../src/knowledge/types.js";
import type { EntryMatch } from "../../src/search/index.js";

let kb: KnowledgeBase;
let withList: AnswerEngine;
let withoutList: AnswerEngine;

beforeAll(async () => {
  kb = await loadKnowledge("knowledge");
  withList = await engineFor(kb);
  withoutList = await engineFor({ ...kb, outOfScope: [] }, { persist: false });
});

/** Questions worded differently from every example in knowledge/out-of-scope.md, on subjects it lists. */
const LOOK_ALIKES = ["新入职老师一个月工资多少", "租房补贴能申请吗", "普通话考试在哪报名"];

describe("out-of-scope examples (knowledge/out-of-scope.md)", () => {
  it("the sample lists near-domain and unrelated questions", async () => {
    const subjects = kb.outOfScope.map((g) => g.subject);
    expect(subjects).toContain("租房补贴");
    expect(subjects).toContain("与人才政策无关");
    expect(kb.outOfScope.reduce((n, g) => n + g.examples.length, 0)).toBeGreaterThan(200);
  });

  it("keep look-alikes of listed questions from getting an FAQ answer or suggestions", async () => {
    for (const q of LOOK_ALIKES) {
      expect((await withoutList.ask(q)).status, q).toBe("answered");
      const a = await withList.ask(q);
      expect(["unanswered", "excerpt"], q).toContain(a.status);
      expect(a.outOfScope?.score, q).toBeGreaterThan(0.7);
    }
  });

  it("leave questions the FAQ covers alone, even when they share words with an example", async () => {
    const a = await withList.ask("购房补贴怎么申请");
    expect(a.outOfScope?.score).toBeGreaterThan(0); // an example shares words, but the FAQ's phrasing is nearer
    expect(a).toMatchObject({ status: "answered", faqId: "housing-subsidy" });
    expect((await withList.ask("人才子女入学需要什么材料")).faqId).toBe("enroll-materials");
  });

  it("score zero and name no example when the list is empty", async () => {
    const r = await withoutList.search("租房补贴能申请吗");
    expect(r.outOfScopeScore).toBe(0);
    expect(r.outOfScopeExample).toBeUndefined();
  });
});

describe("outOfScopeLookAlike / answerBlocked", () => {
  const entry = (score: number, phrasingScore: number) => ({ id: "x", score, phrasingScore }) as EntryMatch;
  const result = (outOfScopeScore: number, entries: EntryMatch[]) => ({
    entries,
    outOfScopeScore,
    outOfScopeCosine: 0,
    missingPeak: 0,
    extraPeak: 0,
    unknownShare: 0,
    uncoveredShare: 0,
    uncoveredPeak: 0,
  });
  const margin = DEFAULT_DECISION.outOfScopeMargin;

  it("blocks when an example beats the best phrasing by the margin, not before", async () => {
    expect(outOfScopeLookAlike(result(0.51 + margin, [entry(0.6, 0.5)]), DEFAULT_DECISION)).toBe(true);
    expect(outOfScopeLookAlike(result(0.49 + margin, [entry(0.6, 0.5)]), DEFAULT_DECISION)).toBe(false);
    expect(outOfScopeLookAlike(result(0.9, []), DEFAULT_DECISION)).toBe(false);
  });

  it("also blocks a near tie and an empty result", async () => {
    expect(answerBlocked(result(0, [entry(0.6, 0.5), entry(0.595, 0.5)]), DEFAULT_DECISION)).toBe(true);
    expect(answerBlocked(result(0, [entry(0.6, 0.5), entry(0.4, 0.4)]), DEFAULT_DECISION)).toBe(false);
    expect(answerBlocked(result(0, []), DEFAULT_DECISION)).toBe(true);
  });
});
