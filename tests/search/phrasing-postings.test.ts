import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Term } from "../../src/search/analyzer.js";
import type { AnswerEngine } from "../../src/core/engine.js";
import { PACKAGE_ROOT } from "../../src/cli/paths.js";
import { loadKnowledge } from "../../src/knowledge/load.js";
import { normalize } from "../../src/search/normalize.js";
import { PhrasingPostings } from "../../src/search/phrasing-postings.js";
import { askedWeights, charBigrams, diceKeyed, diceOf, keyedTokens, overlap, overlapOf, prepareQuery, sumWeights, type QueryTerm } from "../../src/search/score.js";
import { TokenArena, docTokens } from "../../src/search/token-set.js";
import { engineFor } from "../helpers/engine.js";

/** Phrasings as the index holds them (token sets in one arena, their word weight), and their postings. */
function indexed(phrasings: readonly Term[][], weight: (t: string) => number) {
  const arena = new TokenArena();
  const docs = phrasings.map((terms) => {
    const tokens = docTokens(terms, arena);
    tokens.wordWeight = sumWeights(tokens.words, weight);
    return { tokens, bigrams: arena.set(charBigrams(terms.map((t) => t.token).join(""))) };
  });
  const numbers = (tokens: Iterable<string>) => [...tokens].map((t) => arena.numberOf(t)!);
  const postings = new PhrasingPostings(docs.length, { all: (i) => numbers(docs[i]!.tokens.all), words: (i) => numbers(docs[i]!.tokens.words), bigrams: (i) => numbers(docs[i]!.bigrams) }, arena.size);
  const keyOf = (t: string) => arena.numberOf(t) ?? -1;
  /** Every phrasing's overlap and Dice with `terms`, from the postings' sums and one by one; and which were touched. */
  const compare = (terms: readonly QueryTerm[], beta = 1.2, partWeight = 0.6) => {
    const prepared = prepareQuery(terms, keyOf);
    const bigrams = keyedTokens(charBigrams(terms.map((t) => t.token).join("")), keyOf);
    postings.measure(prepared, askedWeights(prepared, weight), bigrams.keys, partWeight);
    return docs.map((d, i) => ({
      touched: postings.touched(i),
      summed: {
        ...overlapOf(postings.foundWeight(i), prepared.total, postings.askedWeight(i), d.tokens.wordWeight!, beta),
        dice: diceOf(postings.commonBigrams(i), bigrams.tokens.length, d.bigrams.size),
      },
      direct: { ...overlap(prepared, d.tokens, weight, beta, partWeight), dice: diceKeyed(bigrams, d.bigrams) },
    }));
  };
  return { compare };
}

const term = (token: string, parts: string[] = []): Term => ({ token, parts });

describe("phrasing postings", () => {
  // Weights with many decimals: sums added in another order would differ in the last bits.
  const weight = (t: string) => 0.3 + ([...t].reduce((n, c) => n + c.charCodeAt(0), 0) % 97) / 37;
  const { compare } = indexed(
    [
      [term("购房补贴", ["购房", "补贴"]), term("申请")],
      [term("补贴"), term("多少")],
      [term("购房"), term("条件")],
      [term("子女"), term("入学")],
    ],
    weight,
  );

  it("adds up recall, precision and shared bigrams as scoring each phrasing would, a compound's parts included", () => {
    const rows = compare([
      { token: "购房补贴", weight: weight("购房补贴"), parts: ["购房", "补贴"] },
      { token: "申请", weight: weight("申请") },
    ]);
    for (const row of rows) expect(row.summed).toEqual(row.direct);
    // The compound itself, its part 补贴 alone, its part 购房 alone, nothing.
    expect(rows.map((r) => r.touched)).toEqual([true, true, true, false]);
    expect(rows[0]!.summed.recall).toBe(1);
    expect(rows[1]!.summed.recall).toBeGreaterThan(0);
    expect(rows[1]!.summed.recall).toBeLessThan(1);
    expect(rows[3]!.summed).toEqual({ recall: 0, precision: 0, f: 0, dice: 0 });
  });

  it("starts each question from nothing: a second question's sums owe nothing to the first", () => {
    compare([{ token: "补贴", weight: 1 }]);
    const rows = compare([{ token: "入学", weight: 1 }]);
    for (const row of rows) expect(row.summed).toEqual(row.direct);
    expect(rows.map((r) => r.touched)).toEqual([false, false, false, true]);
  });
});

// The index of a small knowledge base scores phrasings from these sums: they must be the same numbers,
// to the last bit, as scoring every phrasing one by one. Held for the shipped knowledge base and 150
// evaluation questions, with the analyzer the search uses.
describe("summed overlaps equal phrasing-by-phrasing overlaps on the sample", () => {
  let engine: AnswerEngine;
  beforeAll(async () => {
    engine = await engineFor(await loadKnowledge(join(PACKAGE_ROOT, "knowledge")));
  });

  it("holds for every sample phrasing against 150 evaluation questions, and a phrasing sharing nothing scores 0", () => {
    const questions = readFileSync(join(PACKAGE_ROOT, "tests/eval/holdout.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .slice(0, 150)
      .map((line) => (JSON.parse(line) as { q: string }).q);
    const weight = (t: string) => 0.5 + ([...t].reduce((n, c) => n + c.charCodeAt(0), 0) % 89) / 31;
    const phrasings = engine.kb.faqs.flatMap((f) => [f.question, ...f.alternates]).map((text) => engine.analyzer.analyze(text).terms);
    const { compare } = indexed(phrasings, weight);
    let untouched = 0;
    let scored = 0;
    for (const q of questions) {
      const terms = engine.analyzer.terms(normalize(q).core, true).map((t) => ({ token: t.token, weight: weight(t.token), parts: t.parts }));
      for (const row of compare(terms)) {
        expect(row.summed).toEqual(row.direct);
        if (row.touched) scored++;
        else {
          untouched++;
          expect(row.direct).toEqual({ recall: 0, precision: 0, f: 0, dice: 0 });
        }
      }
    }
    // Both kinds occur, or the test would hold nothing.
    expect(untouched).toBeGreaterThan(1000);
    expect(scored).toBeGreaterThan(1000);
  });
});
