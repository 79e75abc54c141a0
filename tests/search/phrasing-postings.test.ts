import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { AnswerEngine } from "../../src/core/engine.js";
import { PACKAGE_ROOT } from "../../src/cli/paths.js";
import { loadKnowledge } from "../../src/knowledge/load.js";
import { normalize } from "../../src/search/normalize.js";
import { PhrasingPostings } from "../../src/search/phrasing-postings.js";
import { charBigrams, dice, overlap, prepareQuery } from "../../src/search/score.js";
import { TokenArena, docTokens } from "../../src/search/token-set.js";
import { engineFor } from "../helpers/engine.js";

describe("phrasing postings", () => {
  const keys = [[0, 1], [1, 2], [3], []];
  const postings = () => new PhrasingPostings(keys.length, (i) => keys[i]!, 4);

  it("marks exactly the phrasings holding one of the keys, each once", () => {
    const p = postings();
    const marks = p.mark([1, 1, 3]);
    expect([...marks]).toEqual([1, 1, 1, 0]);
    p.clear();
    expect([...p.mark([0])]).toEqual([1, 0, 0, 0]);
  });

  it("clears every mark for the next question, and ignores keys no phrasing can hold", () => {
    const p = postings();
    p.mark([2, 3]);
    p.clear();
    expect([...p.mark([-1, 4, 99])]).toEqual([0, 0, 0, 0]);
  });
});

// The search skips the phrasings a question shares no word, compound part or character bigram with:
// that is exact only if such a phrasing scores 0 on both halves of a phrasing score. Held here for the
// shipped knowledge base and its evaluation questions, with the analyzer the search uses.
describe("a phrasing that shares nothing with the question scores 0", () => {
  let engine: AnswerEngine;
  beforeAll(async () => {
    engine = await engineFor(await loadKnowledge(join(PACKAGE_ROOT, "knowledge")));
  });

  it("holds for every sample phrasing against 150 evaluation questions", () => {
    const questions = readFileSync(join(PACKAGE_ROOT, "tests/eval/holdout.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .slice(0, 150)
      .map((line) => (JSON.parse(line) as { q: string }).q);
    const weight = () => 1;
    // The phrasings' token sets as the index builds them.
    const arena = new TokenArena();
    const phrasings = engine.kb.faqs
      .flatMap((f) => [f.question, ...f.alternates])
      .map((text) => {
        const terms = engine.analyzer.analyze(text).terms;
        return { doc: docTokens(terms, arena), bigrams: charBigrams(terms.map((t) => t.token).join("")) };
      });
    let disjoint = 0;
    let sharing = 0;
    for (const q of questions) {
      // Weighted as the search weights them, each word 1 here: a shared word of weight 0 would still be looked up.
      const terms = engine.analyzer.terms(normalize(q).core, true).map((t) => ({ token: t.token, weight: 1, parts: t.parts }));
      const prepared = prepareQuery(terms);
      const bigrams = charBigrams(terms.map((t) => t.token).join(""));
      for (const p of phrasings) {
        const shares = [...prepared.asked].some((w) => p.doc.all.has(w)) || [...bigrams].some((b) => p.bigrams.has(b));
        const o = overlap(prepared, p.doc, weight);
        if (shares) sharing++;
        else {
          disjoint++;
          expect(o.f).toBe(0);
          expect(o.recall).toBe(0);
          expect(o.precision).toBe(0);
          expect(dice(bigrams, p.bigrams)).toBe(0);
        }
      }
    }
    // Both kinds occur, or the test would hold nothing.
    expect(disjoint).toBeGreaterThan(1000);
    expect(sharing).toBeGreaterThan(1000);
  });
});
