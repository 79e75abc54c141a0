import { describe, expect, it } from "vitest";
import { random } from "../../bench/synthetic.js";
import { denseTables, meaningOf } from "../../src/search/dense.js";
import { l2Normalize, quantize } from "../../src/search/embedding.js";
import type { IndexEntry } from "../../src/search/index-types.js";

const unit = (rnd: () => number) => l2Normalize(Float32Array.from({ length: 512 }, () => rnd() - 0.5));

/**
 * Entries of three phrasings each, every phrasing a perturbed copy of its entry's centre (as
 * paraphrases are); entries come in topics of five whose centres are near one another.
 */
function entries(count: number): { entries: IndexEntry[]; centres: Float32Array[] } {
  const rnd = random(11);
  const topics = Array.from({ length: Math.ceil(count / 5) }, () => unit(rnd));
  const centres = Array.from({ length: count }, (_, i) => {
    const own = unit(rnd);
    return l2Normalize(topics[Math.floor(i / 5)]!.map((x, j) => x + 0.8 * own[j]!));
  });
  const near = (c: Float32Array) => l2Normalize(c.map((x) => x + 0.04 * (rnd() - 0.5)));
  return {
    centres,
    entries: centres.map((c, i) => ({ id: `e${i}`, phrasings: ["a", "b", "c"], answer: "x", vectors: [near(c), near(c), near(c)].map(quantize), answerVector: quantize(near(c)) })),
  };
}

describe("the dense side", () => {
  const { entries: kb, centres } = entries(3000);
  const phrasingEntry = kb.flatMap((_, e) => [e, e, e]);
  const exact = denseTables(kb, [], { denseCandidates: 10, densePrefilter: { from: 1e9, keep: 0.01, atLeast: 0 } })!;
  const prefiltered = denseTables(kb, [], { denseCandidates: 10, densePrefilter: { from: 1, keep: 0.01, atLeast: 0 } })!;

  it("scores a large table through the sign-bit prefilter with the same cosines and the same nearest entries", () => {
    expect(exact.prefiltered).toBe(false);
    expect(prefiltered.prefiltered).toBe(true);
    const rnd = random(12);
    for (const target of [0, 7, 1500, 2999, 42, 999]) {
      const query = l2Normalize(centres[target]!.map((x) => x + 0.08 * (rnd() - 0.5)));
      const a = meaningOf(exact, query, phrasingEntry, kb.length, { denseCandidates: 10, densePrefilter: { from: 1e9, keep: 0.01, atLeast: 0 } });
      const b = meaningOf(prefiltered, query, phrasingEntry, kb.length, { denseCandidates: 10, densePrefilter: { from: 1, keep: 0.01, atLeast: 0 } });
      expect(b.nearest[0]).toBe(target);
      expect(a.nearest[0]).toBe(target);
      // The entries of the same topic are the real neighbours: the prefilter finds them all, in order.
      const neighbours = a.nearest.filter((e) => a.entryCosine(e) > 0.3);
      expect(neighbours.length).toBe(5);
      expect(b.nearest.slice(0, 5)).toEqual(neighbours);
      // Cosines never change: only which entries are looked at may.
      for (const e of [target, 5, 2000]) expect(b.entryCosine(e)).toBe(a.entryCosine(e));
      expect(b.answerCosine(target)).toBe(a.answerCosine(target));
    }
  });

  it("knows where each entry's phrasings are", () => {
    expect([...exact.entryStart.subarray(0, 4)]).toEqual([0, 3, 6, 9]);
    expect(exact.entryStart[kb.length]).toBe(3 * kb.length);
  });
});
