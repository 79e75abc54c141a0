import { beforeAll, describe, expect, it } from "vitest";
import { Analyzer } from "../../src/search/analyzer.js";
import { TermStats } from "../../src/search/term-stats.js";
import { TypoResolver } from "../../src/search/typo.js";

let analyzer: Analyzer;
beforeAll(() => {
  analyzer = new Analyzer({
    synonyms: [
      ["子女", "孩子", "娃"],
      ["材料", "资料"],
      ["怎么", "咋"],
      ["入学", "上学"],
      ["文件", "document"],
    ],
    dictionary: ["人才周 2000 n", "购房补贴 2000 n"],
  });
});

const tokens = (text: string) => analyzer.analyze(text).terms.map((t) => t.token);

describe("Analyzer", () => {
  it("segments with the user dictionary, drops stop words and maps synonyms", () => {
    expect(tokens("娃上学的资料咋准备")).toEqual(["子女", "入学", "材料", "怎么", "准备"]);
    expect(tokens("人才周在哪里")).toContain("人才周");
  });

  it("keeps question words, which carry the intent", () => {
    expect(tokens("入学需要什么材料")).toContain("什么");
    expect(tokens("入学要多久")).toContain("多久");
  });

  it("keeps the parts of a compound beside it", () => {
    const [term] = analyzer.analyze("购房补贴").terms;
    expect(term).toEqual({ token: "购房补贴", parts: expect.arrayContaining(["购房", "补贴"]) });
  });

  it("keeps English question words, which carry the intent", () => {
    expect(tokens("How do I apply?")).toEqual(["how", "appli"]);
    expect(tokens("When can I apply?")).toEqual(["when", "appli"]);
  });

  it("stems English and maps English synonyms", () => {
    expect(tokens("Which documents do I need?")).toEqual(expect.arrayContaining(["文件", "need"]));
    expect(tokens("C类人才")).toEqual(["c", "类", "人才"]);
  });
});

describe("TypoResolver", () => {
  it("rejoins a homophone typo the segmenter split and corrects it by sound", () => {
    const stats = new TermStats([
      ["补贴", "申请"],
      ["材料", "入学"],
    ]);
    const resolver = new TypoResolver(stats);
    const terms = resolver.resolve(analyzer.analyze("不贴怎么申请").terms);
    expect(terms.map((t) => t.token)).toEqual(["补贴", "怎么", "申请"]);
    expect(terms[0]!.weight).toBeLessThan(stats.weight("补贴"));
  });

  it("rejoins a typo that split into a stop word (宣将 → 宣 / 将)", () => {
    const stats = new TermStats([["宣讲", "行程"]]);
    const terms = new TypoResolver(stats).resolve(analyzer.terms("校园宣将会行程", true));
    expect(terms.map((t) => t.token)).toContain("宣讲");
    expect(terms.map((t) => t.token)).not.toContain("将");
  });

  it("leaves a real word the knowledge base lacks alone", () => {
    const stats = new TermStats([["支援", "教学"]]);
    const terms = new TypoResolver(stats).resolve(analyzer.analyze("志愿怎么填").terms);
    expect(terms.map((t) => t.token)).toContain("志愿");
  });
});
