import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dequantize, quantize, topIndexes, VectorTable } from "../../src/search/embedding.js";
import { EmbeddingCache } from "../../src/search/embedding-cache.js";
import { defaultEmbedder, DEFAULT_MODEL_DIR, OnnxEmbedder } from "../../src/search/onnx-embedder.js";
import { useTempDirs } from "../helpers/temp-dirs.js";

const tempDir = useTempDirs();
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe("the shipped sentence embedder", () => {
  it("puts a paraphrase nearer than another subject, and returns unit vectors", async () => {
    const e = await defaultEmbedder();
    expect(e.dimensions).toBe(512);
    const [a, b, c] = await Promise.all(["人才子女入学需要什么材料", "孩子上学要交哪些资料", "信用卡逾期了怎么办"].map((t) => e.embed(t)));
    expect(dot(a!, a!)).toBeCloseTo(1, 4);
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!) + 0.2);
  });

  it("lower-cases before tokenising, so upper-case Latin is not [UNK]", async () => {
    const e = await defaultEmbedder();
    const [upper, lower, other] = await Promise.all(["HPV疫苗", "hpv疫苗", "流感疫苗"].map((t) => e.embed(t)));
    expect(dot(upper!, lower!)).toBeCloseTo(1, 5);
    expect(dot(upper!, other!)).toBeLessThan(0.999);
  });

  it("refuses weights whose hash differs, saying which file and what to do", async () => {
    await expect(OnnxEmbedder.load({ sha256: "0".repeat(64) })).rejects.toThrow(/model_quantized\.onnx has sha256 15b717c3.*expected 0{64}: restore the shipped file/);
    await expect(OnnxEmbedder.load({ dir: join(DEFAULT_MODEL_DIR, "missing") })).rejects.toThrow(/embedding: cannot read the model/);
  });
});

describe("int8 vectors", () => {
  it("keep cosines within a few thousandths and are deterministic", async () => {
    const e = await defaultEmbedder();
    const texts = ["购房补贴怎么申请", "买房补贴如何办理", "教师资格证怎么考", "人才公寓在哪里"];
    const vectors = await Promise.all(texts.map((t) => e.embed(t)));
    const table = new VectorTable(vectors.map(quantize), 512);
    const cosines = table.cosines(vectors[0]!);
    vectors.forEach((v, i) => expect(Math.abs(cosines[i]! - dot(vectors[0]!, v))).toBeLessThan(0.005));
    expect(quantize(vectors[1]!)).toEqual(quantize(vectors[1]!));
    expect(dot(dequantize(quantize(vectors[2]!)), vectors[2]!)).toBeGreaterThan(0.999);
  });

  it("topIndexes returns the k largest, largest first", () => {
    expect(topIndexes(Float32Array.from([0.1, 0.9, 0.3, 0.9, -1, 0.5]), 3)).toEqual([1, 3, 5]);
    expect(topIndexes(Float32Array.from([0.2]), 5)).toEqual([0]);
  });
});

describe("embedding cache", () => {
  it("stores vectors by text, reuses them after a restart, and drops texts no longer asked for", async () => {
    const e = await defaultEmbedder();
    const file = join(await tempDir(), ".cache", "embeddings.bin");
    const first = await EmbeddingCache.open(file, e);
    const [v1, v2] = await first.vectorsOf(["子女入学", "购房补贴"]);
    expect(first.stats).toMatchObject({ embedded: 2, reused: 0 });
    expect(await first.save()).toBeUndefined();
    // Read back, every vector is its own.
    const peek = await EmbeddingCache.open(file, e);
    expect(peek.get("子女入学")).toEqual(v1);
    expect(peek.get("购房补贴")).toEqual(v2);

    const second = await EmbeddingCache.open(file, e);
    const [again] = await second.vectorsOf(["子女入学"]);
    expect(second.stats).toMatchObject({ embedded: 0, reused: 1 });
    expect(again).toEqual(v1);
    await second.save();
    const third = await EmbeddingCache.open(file, e);
    expect(third.get("购房补贴")).toBeUndefined();
    expect(third.get("子女入学")).toEqual(v1);
  });

  it("ignores a file made for another model or truncated, says why, and rebuilds it", async () => {
    const e = await defaultEmbedder();
    const file = join(await tempDir(), "embeddings.bin");
    const cache = await EmbeddingCache.open(file, e);
    await cache.vectorsOf(["子女入学"]);
    await cache.save();
    const bytes = await readFile(file);
    await writeFile(file, bytes.subarray(0, bytes.length - 100));
    expect((await EmbeddingCache.open(file, e)).stats.ignored).toMatch(/truncated; it will be rebuilt/);
    await writeFile(file, bytes.toString("latin1").replace(e.id, "f".repeat(64)), "latin1");
    expect((await EmbeddingCache.open(file, e)).stats.ignored).toMatch(/another embedding model/);
  });
});
