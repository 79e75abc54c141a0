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
