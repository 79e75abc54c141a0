import { beforeAll, describe, expect, it } from "vitest";
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
