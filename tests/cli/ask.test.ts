import { beforeAll, describe, expect, it } from "vitest";
import { describeFit } from "../../src/cli/ask.js";
import type { KnowledgeModel } from "../../src/core/model-file.js";
import { ensureBuilt, talentbot } from "../helpers/built-cli.js";

beforeAll(ensureBuilt, 120_000);

describe("talentbot ask", () => {
  it("prints the answer with its citation, status and score", async () => {
    const r = await talentbot(["ask", "人才子女入学需要什么材料"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("依据：《示例市人才引领发展20条实施细则》");
    expect(r.stdout).toMatch(/\[status answered · faq enroll-materials · score [\d.]+ · confidence [\d.]+\]/);
    expect(r.stdout).not.toContain("dotenv");
  });

  it("--json answers every stdin line in order, one object per line", async () => {
    const questions = ["人才子女入学需要什么材料", "明天会下雨吗", "", "您好", "購房補貼怎麼申請"];
    const r = await talentbot(["ask", "--json"], { input: `${questions.join("\n")}\n` });
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l["question"])).toEqual(questions);
    expect(lines.map((l) => l["status"])).toEqual(["answered", "unanswered", "empty", "smalltalk", "answered"]);
    expect(lines[0]).toMatchObject({ faqId: "enroll-materials", sources: [{ doc: "talent-20-rules" }] });
    expect(Object.keys(lines[0]!)).toEqual(expect.arrayContaining(["question", "status", "faqId", "score", "suggestions", "sources", "text"]));
    expect(lines[1]!["faqId"]).toBeUndefined();
    expect(lines[4]!["faqId"]).toBe("housing-subsidy");
  });

  it("--json handles a thousand lines in one process", async () => {
    const input = Array.from({ length: 1000 }, (_, i) => (i % 2 ? "人才购房补贴标准" : `问题${i}`)).join("\n");
    const r = await talentbot(["ask", "--json"], { input });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(1000);
    expect(JSON.parse(lines[1]!)).toMatchObject({ status: "answered", faqId: "housing-subsidy" });
  });

  it("refuses a missing question with usage and exit code 2", async () => {
    const r = await talentbot(["ask"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("ask needs a question");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("what a fitted model learned from, in one line", () => {
  const fittedOn = { alternatesHeldOut: 248, entriesHeldOut: 186, outOfScopeHeldOut: 246, rewrites: 0 };
  const logistic = { weights: [1], bias: 0 };
  const model = (answerModel: KnowledgeModel["decision"]["answerModel"]) =>
    ({ fittedOn, decision: { answerModel, answerThreshold: 0.5, scopeModel: logistic, suggestThreshold: 0.3 } }) as unknown as KnowledgeModel;

  it("names the kind of answer model the fit chose: logistic, or how many boosted trees", () => {
    expect(describeFit(model(logistic))).toBe("248 held-out alternates, 186 phrasings of held-out entries, 246 out-of-scope examples; answer model: logistic");
    const trees = { kind: "trees" as const, base: 0, rate: 0.1, trees: [[{ v: 0.1 }], [{ v: -0.1 }]] };
    expect(describeFit(model(trees))).toMatch(/; answer model: 2 boosted trees$/);
  });
});
