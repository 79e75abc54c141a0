import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Int8DotKernel } from "../../src/search/dot-kernel.js";
import { l2Normalize, quantize, queryCodes, VectorTable } from "../../src/search/embedding.js";
import { random } from "../../bench/synthetic.js";

const unitVectors = (count: number, dims: number, seed: number) => {
  const rnd = random(seed);
  return Array.from({ length: count }, () => l2Normalize(Float32Array.from({ length: dims }, () => rnd() - 0.5)));
};

describe("the WebAssembly dot kernel", () => {
  it("gives the exact integer dot products, also for dimensions that are not a multiple of 16", () => {
    for (const dims of [512, 37, 16, 1]) {
      const rnd = random(dims);
      const vectors = Array.from({ length: 25 }, () => Int8Array.from({ length: dims }, () => Math.round(254 * rnd()) - 127));
      const query = Int16Array.from({ length: dims }, () => Math.round(32766 * rnd()) - 16383);
      const kernel = Int8DotKernel.create(vectors.length, dims)!;
      expect(kernel, "this Node has WebAssembly SIMD").toBeDefined();
      vectors.forEach((v, i) => kernel.set(i, v));
      const sums = kernel.dots(query);
      vectors.forEach((v, i) => expect(sums[i]).toBe(v.reduce((s, c, j) => s + c * query[j]!, 0)));
    }
  });

  it("scores a table as the JavaScript loop does, to 1e-4, and keeps the order of the best", () => {
    const vectors = unitVectors(2000, 512, 1);
    const [query] = unitVectors(1, 512, 2);
    const simd = new VectorTable(vectors.map(quantize), 512).cosines(query!);
    const plain = new VectorTable(vectors.map(quantize), 512, { simd: false }).cosines(query!);
    let worst = 0;
    for (let i = 0; i < simd.length; i++) worst = Math.max(worst, Math.abs(simd[i]! - plain[i]!));
    expect(worst).toBeLessThan(1e-4);
    expect(worst).toBeGreaterThan(0); // the int16 query really is a different computation
    const best = (c: Float32Array) => [...c.keys()].sort((a, b) => c[b]! - c[a]!).slice(0, 5);
    expect(best(simd)).toEqual(best(plain));
  });

  it("counts the differing sign bits of every stored vector, also for dimensions that are not a multiple of 128", () => {
    for (const dims of [512, 200, 7]) {
      const rnd = random(dims + 1);
      const vectors = Array.from({ length: 30 }, () => Int8Array.from({ length: dims }, () => Math.round(254 * rnd()) - 127));
      const query = Int16Array.from({ length: dims }, () => Math.round(32766 * rnd()) - 16383);
      const kernel = Int8DotKernel.create(vectors.length, dims, { signBits: true })!;
      vectors.forEach((v, i) => kernel.set(i, v));
      kernel.setQuery(query);
      const distances = kernel.distances();
      vectors.forEach((v, i) => expect(distances[i]).toBe(v.reduce((n, c, j) => n + (c < 0 !== query[j]! < 0 ? 1 : 0), 0)));
      // The dot products still come out exact beside the sign bits.
      const sums = kernel.dotsOf(0, vectors.length);
      vectors.forEach((v, i) => expect(sums[i]).toBe(v.reduce((s, c, j) => s + c * query[j]!, 0)));
    }
  });

  it("picks the vectors of smallest sign distance: every one below the cut, ties by storage order, in storage order", () => {
    for (const dims of [512, 200]) {
      const rnd = random(dims + 7);
      // Few distinct distances, so the cut falls among ties.
      const vectors = Array.from({ length: 400 }, () => Int8Array.from({ length: dims }, () => (rnd() < 0.1 ? -1 : 1)));
      const query = Int16Array.from({ length: dims }, () => 1);
      const kernel = Int8DotKernel.create(vectors.length, dims, { signBits: true })!;
      vectors.forEach((v, i) => kernel.set(i, v));
      kernel.setQuery(query);
      const distances = [...kernel.distances()];
      for (const want of [1, 37, 399, 400, 1000]) {
        const expected = distances
          .map((d, i) => ({ d, i }))
          .sort((a, b) => a.d - b.d || a.i - b.i)
          .slice(0, want)
          .map((x) => x.i)
          .sort((a, b) => a - b);
        expect([...kernel.closest(want)], `${dims} dimensions, ${want} wanted`).toEqual(expected);
      }
      expect(new Set(distances).size).toBeLessThan(60);
    }
  });

  it("scores one vector or a run of them exactly as the whole table does", () => {
    const vectors = unitVectors(300, 512, 3);
    const [query, other] = unitVectors(2, 512, 4);
    for (const simd of [true, false]) {
      const table = new VectorTable(vectors.map(quantize), 512, { simd, signBits: true });
      const all = table.cosines(query!);
      const q = table.query(query!);
      table.cosines(other!); // another question in between must not change this one's numbers
      for (const i of [0, 17, 299]) expect(q.cosine(i)).toBe(all[i]);
      expect(q.maxCosine(10, 40)).toBe(Math.max(...all.subarray(10, 40)));
      expect(q.maxCosine(5, 5)).toBe(-1);
      expect([...q.cosinesAt(Int32Array.from([299, 3, 150]))]).toEqual([all[299], all[3], all[150]]);
    }
  });

  it("names the vectors whose signs differ least from the query's, and holds the true nearest among them", () => {
    const vectors = unitVectors(5000, 512, 5);
    // Queries near stored vectors, as a paraphrase is near its phrasing.
    const table = new VectorTable(vectors.map(quantize), 512, { signBits: true });
    for (const target of [3, 1200, 4999]) {
      const noise = unitVectors(1, 512, target)[0]!;
      const query = l2Normalize(vectors[target]!.map((x, j) => x + 0.7 * noise[j]!));
      const kept = table.query(query).closest(100);
      expect(kept.length).toBe(100);
      expect([...kept]).toContain(target);
      const cosines = table.cosines(query);
      const best = [...cosines.keys()].sort((a, b) => cosines[b]! - cosines[a]!)[0];
      expect(best).toBe(target);
    }
    expect(new VectorTable(vectors.slice(0, 50).map(quantize), 512).query(vectors[0]!).closest(100).length).toBe(50);
  });

  it("turns the query into int16 codes with one scale", () => {
    const { codes, scale } = queryCodes(Float32Array.from([0.5, -0.25, 0]));
    expect(codes[0]).toBe(16383);
    expect(codes[1]! * scale).toBeCloseTo(-0.25, 4);
    expect(codes[2]).toBe(0);
  });

  it("is what dot-kernel.wat assembles to", () => {
    // Exits 1 (and the test fails) when the committed module differs from the source.
    expect(() => execFileSync(process.execPath, [join(import.meta.dirname, "..", "..", "scripts", "build-dot-kernel.mjs"), "--check"], { stdio: "pipe" })).not.toThrow();
  });
});
