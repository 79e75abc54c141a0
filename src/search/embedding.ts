/**
 * Sentence embeddings: the meaning side of the search. An {@link Embedder} turns a text into a
 * unit vector; two texts that mean the same are close in cosine whatever their words. The
 * default embedder is the shipped bge-small-zh model (onnx-embedder.ts); anything with the same
 * shape can replace it (a test's, a larger model). Vectors are stored quantised to int8 (a
 * quarter of the memory, the same first-rank on the public sets, see DESIGN.md "Retrieval").
 */

import { Int8DotKernel } from "./dot-kernel.js";

export interface Embedder {
  /** Identifies the model (sha256 of its weights): cached vectors and fitted models name it. */
  readonly id: string;
  readonly dimensions: number;
  /** One text at a time: padded batches change vectors slightly, and a decision must not depend on batch-mates. */
  embed(text: string): Promise<Float32Array>;
}

/** A unit vector stored as int8 with one scale: value ≈ scale × code. */
export interface QuantizedVector {
  codes: Int8Array;
  scale: number;
}

export function l2Normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const norm = Math.sqrt(sum) || 1;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! / norm;
  return out;
}

/** Cosine of two unit-length vectors: their dot product. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}

/** Symmetric int8 quantisation of a vector (deterministic: the same vector always gives the same codes). */
export function quantize(v: Float32Array): QuantizedVector {
  let max = 0;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i]!));
  // A float32 scale: the cache stores it as one, so a cached vector equals a fresh one exactly.
  const scale = Math.fround(max / 127 || 1);
  const codes = new Int8Array(v.length);
  for (let i = 0; i < v.length; i++) codes[i] = Math.round(v[i]! / scale);
  return { codes, scale };
}

export function dequantize(q: QuantizedVector): Float32Array {
  const out = new Float32Array(q.codes.length);
  for (let i = 0; i < out.length; i++) out[i] = q.codes[i]! * q.scale;
  return out;
}

/**
 * The query as int16 values for the dot kernel: one scale, 14 bits (so a 512-dimension sum with
 * int8 codes stays far inside int32). The rounding changes a cosine by less than 1e-4.
 */
export function queryCodes(query: Float32Array): { codes: Int16Array; scale: number } {
  let max = 0;
  for (let i = 0; i < query.length; i++) max = Math.max(max, Math.abs(query[i]!));
  const scale = max / QUERY_RANGE || 1;
  const codes = new Int16Array(query.length);
  for (let i = 0; i < query.length; i++) codes[i] = Math.round(query[i]! / scale);
  return { codes, scale };
}

const QUERY_RANGE = 16383;

/** One question's vector made ready to score against a {@link VectorTable}, vector by vector. */
export interface TableQuery {
  /** Cosine with vector `i`. */
  cosine(i: number): number;
  /** The largest cosine with vectors `start` … `end - 1` (-1 for an empty range). */
  maxCosine(start: number, end: number): number;
  /** Cosines with the vectors `rows` names, in that order. */
  cosinesAt(rows: Int32Array): Float32Array;
  /**
   * The `count` vectors whose signs differ least from the query's, in storage order (all of
   * them in a table of at most `count`): an approximate nearest set, to be scored exactly with
   * the methods above. Without sign bits (or without the kernel), every vector.
   */
  closest(count: number): Int32Array;
}

/**
 * All stored vectors of one kind, scored against a query by brute force: in WebAssembly SIMD
 * (dot-kernel.ts) where the engine has it, else a JavaScript loop over one flat int8 array (the
 * reference; the two agree to 1e-4). See `npm run bench` for the cost per vector. A table built
 * with `signBits` can also name the vectors whose signs differ least from the query's
 * ({@link TableQuery.closest}): how a large table avoids scoring every vector.
 */
export class VectorTable {
  readonly size: number;
  private readonly kernel: Int8DotKernel | undefined;
  /** The codes for the JavaScript loop (only without the kernel). */
  private readonly codes: Int8Array | undefined;
  private readonly scales: Float32Array;

  constructor(
    vectors: readonly QuantizedVector[],
    readonly dimensions: number,
    { simd = true, signBits = false }: { simd?: boolean; signBits?: boolean } = {},
  ) {
    this.size = vectors.length;
    this.kernel = simd ? Int8DotKernel.create(vectors.length, dimensions, { signBits }) : undefined;
    this.codes = this.kernel ? undefined : new Int8Array(vectors.length * dimensions);
    this.scales = new Float32Array(vectors.length);
    vectors.forEach((v, i) => {
      if (v.codes.length !== dimensions) throw new Error(`embedding: vector ${i} has ${v.codes.length} dimensions, expected ${dimensions}`);
      if (this.kernel) this.kernel.set(i, v.codes);
      else this.codes!.set(v.codes, i * dimensions);
      this.scales[i] = v.scale;
    });
  }

  /** Cosine of the query (a unit vector) with every stored vector, in storage order. */
  cosines(query: Float32Array): Float32Array {
    const out = new Float32Array(this.size);
    if (this.kernel) {
      const q = queryCodes(query);
      const sums = this.kernel.dots(q.codes);
      for (let i = 0; i < this.size; i++) out[i] = sums[i]! * q.scale * this.scales[i]!;
      return out;
    }
    for (let i = 0; i < this.size; i++) out[i] = this.plainCosine(query, i);
    return out;
  }

  /** The query ready for cosines one vector (or one run of vectors) at a time: each the same number {@link cosines} gives. */
  query(query: Float32Array): TableQuery {
    const kernel = this.kernel;
    if (!kernel) {
      const cosine = (i: number) => Math.fround(this.plainCosine(query, i));
      return {
        cosine,
        closest: () => this.everyRow(),
        cosinesAt: (rows) => Float32Array.from(rows, cosine),
        maxCosine: (start, end) => {
          let max = -1;
          for (let i = start; i < end; i++) max = Math.max(max, cosine(i));
          return max;
        },
      };
    }
    const q = queryCodes(query);
    const maxCosine = (start: number, end: number) => {
      if (end <= start) return -1;
      // Another question may have used the kernel since: put this one back first.
      if (!kernel.holds(q.codes)) kernel.setQuery(q.codes);
      const sums = kernel.dotsOf(start, end - start);
      let max = -1;
      // Rounded to float32 as {@link cosines} stores them, so both give the same numbers.
      for (let i = 0; i < sums.length; i++) max = Math.max(max, Math.fround(sums[i]! * q.scale * this.scales[start + i]!));
      return max;
    };
    const cosinesAt = (rows: Int32Array) => {
      if (!kernel.holds(q.codes)) kernel.setQuery(q.codes);
      const sums = kernel.dotsAt(rows);
      const out = new Float32Array(rows.length);
      for (let i = 0; i < rows.length; i++) out[i] = sums[i]! * q.scale * this.scales[rows[i]!]!;
      return out;
    };
    const closest = (count: number) => {
      if (!kernel.hasSignBits || this.size <= count) return this.everyRow();
      if (!kernel.holds(q.codes)) kernel.setQuery(q.codes);
      return kernel.closest(count);
    };
    return { cosine: (i) => maxCosine(i, i + 1), maxCosine, cosinesAt, closest };
  }

  private everyRow(): Int32Array {
    return Int32Array.from({ length: this.size }, (_, i) => i);
  }

  private plainCosine(query: Float32Array, i: number): number {
    const d = this.dimensions;
    const codes = this.codes!;
    const base = i * d;
    // Four running sums: independent additions the CPU can overlap (about twice as fast as one).
    const tail = d - (d % 4);
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = 0;
    for (; j < tail; j += 4) {
      s0 += query[j]! * codes[base + j]!;
      s1 += query[j + 1]! * codes[base + j + 1]!;
      s2 += query[j + 2]! * codes[base + j + 2]!;
      s3 += query[j + 3]! * codes[base + j + 3]!;
    }
    for (; j < d; j++) s0 += query[j]! * codes[base + j]!;
    return (s0 + s1 + s2 + s3) * this.scales[i]!;
  }
}

/** Indexes of the `k` largest values, largest first (ties: lower index first). */
export function topIndexes(values: Float32Array, k: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (best.length === k && values[i]! <= values[best[k - 1]!]!) continue;
    let at = best.length < k ? best.length : k - 1;
    best[at] = i;
    while (at > 0 && values[best[at]!]! > values[best[at - 1]!]!) {
      [best[at - 1], best[at]] = [best[at]!, best[at - 1]!];
      at--;
    }
  }
  return best;
}
