import { DOT_KERNEL_WASM } from "./dot-kernel-wasm.js";

type Run = (codes: number, count: number, dims: number, query: number, out: number) => void;
type RunAt = (codes: number, rows: number, count: number, dims: number, query: number, out: number) => void;
type RunClosest = (distances: number, count: number, histogram: number, bins: number, want: number, out: number) => number;

/**
 * int8 vectors held in WebAssembly memory and dotted with an int16 query, 16 dimensions per
 * SIMD step (dot-kernel.wat): the brute-force scan of the dense side, about ten times the speed
 * of the JavaScript loop (`npm run bench`). The sums are exact integers, so the result depends
 * only on the codes and the query's int16 form, never on the machine. With `signBits`, each
 * vector's signs are kept too, one bit per dimension, for {@link distances}: a scan of an eighth
 * of the bytes with no multiplication, to find the few vectors worth scoring in a large table.
 */
export class Int8DotKernel {
  /** The stored vectors, in WebAssembly memory (zero-padded to a multiple of 16 dimensions). */
  readonly codes: Int8Array;
  /** Sign bits of the stored vectors (bit set: negative), 16-byte blocks per vector; empty without `signBits`. */
  private readonly bits: Uint8Array;
  private readonly query: Int16Array;
  private readonly queryBits: Uint8Array;
  private readonly sums: Int32Array;
  private readonly hamming: Int32Array;
  /** Row indexes for {@link dotsAt}, and where {@link closest} writes its pick. */
  private readonly rows: Int32Array;
  /** Scratch for {@link closest}: one count per possible distance (0 … padded dimensions). */
  private readonly histogram: Int32Array;
  private readonly blocks: number;
  /** The query now in memory, so a caller holding an older one can tell. */
  private current: Int16Array | undefined;

  private constructor(
    private readonly run: Run,
    private readonly runHamming: Run,
    private readonly runAt: RunAt,
    private readonly runClosest: RunClosest,
    memory: WebAssembly.Memory,
    readonly count: number,
    readonly paddedDims: number,
    signBits: boolean,
  ) {
    const layout = layoutOf(count, paddedDims, signBits);
    this.blocks = signBits ? paddedDims / 128 : 0;
    this.codes = new Int8Array(memory.buffer, 0, count * paddedDims);
    this.bits = new Uint8Array(memory.buffer, layout.bitsAt, signBits ? count * this.blocks * 16 : 0);
    this.query = new Int16Array(memory.buffer, layout.queryAt, paddedDims);
    this.queryBits = new Uint8Array(memory.buffer, layout.queryBitsAt, this.blocks * 16);
    this.sums = new Int32Array(memory.buffer, layout.sumsAt, count);
    this.hamming = new Int32Array(memory.buffer, layout.hammingAt, signBits ? count : 0);
    this.rows = new Int32Array(memory.buffer, layout.rowsAt, count);
    this.histogram = new Int32Array(memory.buffer, layout.histogramAt, signBits ? paddedDims + 1 : 0);
  }

  /** A kernel for `count` vectors of `dims` dimensions, or undefined where WebAssembly SIMD is unavailable. */
  static create(count: number, dims: number, { signBits = false }: { signBits?: boolean } = {}): Int8DotKernel | undefined {
    const module = compiled();
    if (!module) return undefined;
    // Sign bits come in 16-byte blocks: pad to 128 dimensions then (the padding's zeros are positive).
    const paddedDims = Math.ceil(dims / (signBits ? 128 : 16)) * (signBits ? 128 : 16);
    const instance = new WebAssembly.Instance(module);
    const memory = instance.exports["memory"] as WebAssembly.Memory;
    const pages = Math.ceil(layoutOf(count, paddedDims, signBits).end / PAGE);
    if (pages > 1) memory.grow(pages - 1);
    const exports = instance.exports;
    return new Int8DotKernel(exports["dots"] as Run, exports["hamming"] as Run, exports["dots_at"] as RunAt, exports["closest"] as RunClosest, memory, count, paddedDims, signBits);
  }

  /** Stores vector `i`'s codes (and its sign bits, when kept). */
  set(i: number, codes: Int8Array): void {
    this.codes.set(codes, i * this.paddedDims);
    if (this.bits.length === 0) return;
    const at = i * this.blocks * 16;
    for (let d = 0; d < codes.length; d++) if (codes[d]! < 0) this.bits[at + (d >> 3)]! |= 1 << (d & 7);
  }

  /** Puts `query` (int16 values, at most {@link paddedDims}) in memory for {@link dotsOf} and {@link distances}. */
  setQuery(query: Int16Array): void {
    this.query.fill(0);
    this.query.set(query);
    if (this.bits.length > 0) {
      this.queryBits.fill(0);
      for (let d = 0; d < query.length; d++) if (query[d]! < 0) this.queryBits[d >> 3]! |= 1 << (d & 7);
    }
    this.current = query;
  }

  get hasSignBits(): boolean {
    return this.bits.length > 0;
  }

  /** Whether `query` is the one in memory. */
  holds(query: Int16Array): boolean {
    return this.current === query;
  }

  /** The integer dot products of vectors `start` … `start + count - 1` with the query in memory (a view, valid until the next call). */
  dotsOf(start: number, count: number): Int32Array {
    this.run(start * this.paddedDims, count, this.paddedDims, this.query.byteOffset, this.sums.byteOffset);
    return this.sums.subarray(0, count);
  }

  /** The integer dot products of the vectors `rows` names (at most {@link count} of them) with the query in memory, in that order (a view, valid until the next call). */
  dotsAt(rows: Int32Array): Int32Array {
    this.rows.set(rows);
    this.runAt(0, this.rows.byteOffset, rows.length, this.paddedDims, this.query.byteOffset, this.sums.byteOffset);
    return this.sums.subarray(0, rows.length);
  }

  /** The integer dot product of every stored vector with `query`. */
  dots(query: Int16Array): Int32Array {
    this.setQuery(query);
    return this.dotsOf(0, this.count);
  }

  /** How many signs of each stored vector differ from the query's in memory (only with `signBits`; a view, valid until the next call). */
  distances(): Int32Array {
    if (this.bits.length === 0) throw new Error("embedding: this kernel keeps no sign bits");
    this.runHamming(this.bits.byteOffset, this.count, this.blocks, this.queryBits.byteOffset, this.hamming.byteOffset);
    return this.hamming;
  }

  /**
   * The `want` stored vectors whose signs differ least from the query's in memory, as indexes in
   * storage order (only with `signBits`): every distance below the cut a histogram finds, then
   * those at it in storage order until `want` are taken. All in WebAssembly: in JavaScript the
   * histogram and the pick cost as much as the distances themselves (1.3 ms at 400,000 vectors).
   */
  closest(want: number): Int32Array {
    const distances = this.distances();
    const taken = this.runClosest(distances.byteOffset, this.count, this.histogram.byteOffset, this.histogram.length, Math.min(want, this.count), this.rows.byteOffset);
    return this.rows.slice(0, taken);
  }
}

const PAGE = 65536;
const align = (n: number) => Math.ceil(n / 16) * 16;

/** Where each region starts in the kernel's memory: codes, sign bits, query, query bits, sums, distances, rows, histogram. */
function layoutOf(count: number, paddedDims: number, signBits: boolean) {
  const bitsAt = align(count * paddedDims);
  const queryAt = align(bitsAt + (signBits ? (count * paddedDims) / 8 : 0));
  const queryBitsAt = align(queryAt + 2 * paddedDims);
  const sumsAt = align(queryBitsAt + paddedDims / 8);
  const hammingAt = align(sumsAt + 4 * count);
  const rowsAt = align(hammingAt + (signBits ? 4 * count : 0));
  const histogramAt = align(rowsAt + 4 * count);
  return { bitsAt, queryAt, queryBitsAt, sumsAt, hammingAt, rowsAt, histogramAt, end: histogramAt + (signBits ? 4 * (paddedDims + 1) : 0) };
}

let module: WebAssembly.Module | null | undefined;
function compiled(): WebAssembly.Module | undefined {
  if (module === undefined) {
    try {
      module = new WebAssembly.Module(Buffer.from(DOT_KERNEL_WASM, "base64"));
    } catch {
      // An engine without WebAssembly SIMD: the JavaScript loop does the same work, slower.
      module = null;
    }
  }
  return module ?? undefined;
}
