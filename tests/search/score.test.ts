import { describe, expect, it } from "vitest";
import { charBigrams, dice, diceKeyed, fBeta, keyedTokens, overlap, prepareQuery, recall, weightedOverlap, type DocTokens } from "../../src/search/score.js";
import { posteriors, bayesClass } from "../../src/search/bayes.js";
import { TokenArena } from "../../src/search/token-set.js";

const doc = (words: string[], parts: string[] = []): DocTokens => ({ all: new Set([...words, ...parts]), words: new Set(words) });
const unit = () => 1;

describe("scoring functions", () => {
  it("weightedOverlap measures how much of the question and of the document match", () => {
    const o = weightedOverlap(
      [
        { token: "入学", weight: 1 },
        { token: "材料", weight: 3 },
      ],
      doc(["入学", "流程"]),
      unit,
    );
    expect(o.recall).toBeCloseTo(0.25);
    expect(o.precision).toBeCloseTo(0.5);
    expect(o.f).toBeCloseTo(fBeta(0.25, 0.5, 1.2));
  });

  it("counts a repeated query word once", () => {
    const o = weightedOverlap(
      [
        { token: "材料", weight: 1 },
        { token: "材料", weight: 1 },
        { token: "户口", weight: 1 },
      ],
      doc(["材料"]),
      unit,
    );
    expect(o.recall).toBeCloseTo(0.5);
  });

  it("gives a compound partial credit for the parts the document has", () => {
    const o = weightedOverlap([{ token: "购房补贴", weight: 2, parts: ["购房", "补贴"] }], doc(["补贴"]), unit);
    expect(o.recall).toBeCloseTo(0.5);
    expect(o.precision).toBe(1);
  });

  it("gives no credit for a word that merely shares a character", () => {
    expect(weightedOverlap([{ token: "乡下", weight: 1 }], doc(["乡村"]), unit).recall).toBe(0);
  });

  it("fBeta is 0 without overlap and 1 for a perfect match", () => {
    expect(fBeta(0, 1, 1)).toBe(0);
    expect(fBeta(1, 1, 2)).toBe(1);
    expect(fBeta(1, 0.5, 2)).toBeGreaterThan(fBeta(0.5, 1, 2));
  });

  it("dice over character bigrams", () => {
    expect([...charBigrams("入学材料")]).toEqual(["入学", "学材", "材料"]);
    expect(charBigrams("好")).toEqual(new Set(["好"]));
    expect(dice(charBigrams("入学材料"), charBigrams("入学流程"))).toBeCloseTo(2 / 6);
    expect(dice(new Set(), new Set(["a"]))).toBe(0);
  });

  it("naive Bayes posteriors favour the class whose words the question uses", () => {
    const numbering = new TokenArena();
    const a = bayesClass([[["公寓", "租金"], 1]], numbering);
    const b = bayesClass([[["购房", "补贴"], 1]], numbering);
    const p = posteriors(
      [a, b],
      [
        { token: "公寓", weight: 1 },
        { token: "未知词", weight: 1 },
      ],
      (t) => t !== "未知词",
      4,
    );
    expect(p[0]).toBeGreaterThan(0.9);
    expect(p[0]! + p[1]!).toBeCloseTo(1);
  });

  it("a class's counts add up repeated words and weights, and know nothing else", () => {
    const c = bayesClass(
      [
        [["公寓", "租金", "公寓"], 1],
        [["公寓", "申请"], 0.3],
      ],
      new TokenArena(),
    );
    expect(c.counts.get("公寓")).toBeCloseTo(2.3);
    expect(c.counts.get("申请")).toBeCloseTo(0.3);
    expect(c.counts.get("租金")).toBe(1);
    expect(c.counts.get("购房")).toBeUndefined();
    expect(c.total).toBeCloseTo(3.6);
  });
});

describe("a question keyed to the documents' arena", () => {
  it("scores exactly as the same question looked up token by token, and a token no set has (-1) is never found", () => {
    const arena = new TokenArena();
    const docs: DocTokens[] = [
      { all: arena.set(["购房补贴", "购房", "补贴", "申请"]), words: arena.set(["购房补贴", "申请"]) },
      { all: arena.set(["子女", "入学", "材料"]), words: arena.set(["子女", "入学", "材料"]) },
    ];
    const bigrams = arena.set(charBigrams("购房补贴申请"));
    const terms = [
      { token: "购房补贴", weight: 2, parts: ["购房", "补贴"] },
      { token: "租房补贴", weight: 1.5, parts: ["租房", "补贴"] },
      { token: "材料", weight: 1 },
      { token: "体检", weight: 1 },
    ];
    const weight = (t: string) => t.length;
    const keyOf = (t: string) => arena.numberOf(t) ?? -1;
    const plain = prepareQuery(terms);
    const keyed = prepareQuery(terms, keyOf);
    expect(keyed.terms.map((t) => t.key)).toEqual(terms.map((t) => keyOf(t.token)));
    for (const d of docs) {
      expect(overlap(keyed, d, weight, 1.5)).toEqual(overlap(plain, d, weight, 1.5));
      expect(recall(keyed, d)).toBe(recall(plain, d));
    }
    expect(recall(keyed, docs[0]!)).toBeGreaterThan(0);
    const question = charBigrams("购房补贴怎么申请");
    expect(diceKeyed(keyedTokens(question, keyOf), bigrams)).toBe(dice(question, bigrams));
    expect(diceKeyed(keyedTokens(question, keyOf), bigrams)).toBeGreaterThan(0);
    expect(docs[0]!.all.has("购房", -1)).toBe(false);
    expect(docs[0]!.all.has("购房")).toBe(true);
  });
});

describe("SoftmaxClassifier", () => {
  it("learns which words tell classes apart and gives probabilities that sum to 1", async () => {
    const { SoftmaxClassifier } = await import("../../src/search/classifier.js");
    const samples = [
      { features: ["入学", "材料"], label: 0 },
      { features: ["子女", "材料", "证明"], label: 0 },
      { features: ["购房", "补贴"], label: 1 },
      { features: ["买房", "补贴", "多少"], label: 1 },
    ];
    const model = new SoftmaxClassifier(samples, 2, { epochs: 30 });
    const p = model.probabilities(["材料", "证明"]);
    expect(p[0]).toBeGreaterThan(0.8);
    expect(p[0]! + p[1]!).toBeCloseTo(1);
    const unknown = model.probabilities(["天气"]);
    expect(Math.abs(unknown[0]! - unknown[1]!)).toBeLessThan(0.2);
  });
});
