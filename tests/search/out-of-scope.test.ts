import { describe, expect, it } from "vitest";
import { OutOfScopeExamples, type ExampleText, type ScoredText } from "../../src/search/out-of-scope.js";

/** A hand-made example: words as tokens (no analyzer needed for the lookup). */
const example = (text: string, words: string[]): ExampleText => ({ text, terms: [], tokens: { all: new Set(words), words: new Set(words) }, bigrams: new Set() });
const term = (token: string) => ({ token, weight: 1 });

describe("OutOfScopeExamples.nearest", () => {
  const examples = new OutOfScopeExamples(
    [example("租房补贴怎么申请", ["租房", "补贴", "怎么", "申请"]), example("工资多少", ["工资", "多少"]), example("落户怎么申请", ["落户", "怎么", "申请"])],
    new Set(["怎么", "多少"]),
  );
  const byLength = (x: ScoredText) => x.text.length / 10;

  it("scores the examples sharing a specific word and returns the best", () => {
    expect(examples.nearest([term("租房"), term("工资")], byLength)).toEqual({ example: "租房补贴怎么申请", score: 0.8 });
    expect(examples.nearest([term("工资")], byLength)).toEqual({ example: "工资多少", score: 0.4 });
  });

  it("finds nothing through question words alone, nor through nothing", () => {
    expect(examples.nearest([term("怎么"), term("多少")], byLength)).toBeUndefined();
    expect(examples.nearest([], byLength)).toBeUndefined();
  });

  it("reaches examples through a compound's parts", () => {
    expect(examples.nearest([{ token: "租房补贴", weight: 1, parts: ["租房", "补贴"] }], byLength)?.example).toBe("租房补贴怎么申请");
  });

  it("skips a word most examples share once the list is long", () => {
    const many = new OutOfScopeExamples(
      Array.from({ length: 200 }, (_, i) => example(`申请${i}`, ["申请", `w${i}`])),
      new Set(),
    );
    expect(many.nearest([term("申请")], () => 1)).toBeUndefined();
    expect(many.nearest([term("申请"), term("w7")], () => 1)).toEqual({ example: "申请7", score: 1 });
  });
});
