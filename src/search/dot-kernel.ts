import { DOT_KERNEL_WASM } from "./dot-kernel-wasm.js";

/**
 * int8 vectors held in WebAssembly memory and dotted with an int16 query, 16 dimensions per
 * SIMD step (dot-kernel.wat): the brute-force scan of the dense side, about ten times the speed
 * of the JavaScript loop (`npm run bench`). The sums are exact integers, so the result depends
 * only on the codes and the query's int16 form, never on the machine.
 */
export class Int8DotKernel {
  /** The stored vectors, in WebAssembly memory (zero-padded to a multiple of 16 dimensions). */
  readonly codes: Int8Array;
  private readonly query: Int16Array;
  private readonly sums: Int32Array;

  private constructor(
    private readonly run: (codes: number, count: number, dims: number, query: number, out: number) => void,
    memory: WebAssembly.Memory,
    readonly count: number,
    readonly paddedDims: number,
  ) {
    const queryAt = align(count * paddedDims);
    const sumsAt = align(queryAt + 2 * paddedDims);
    this.codes = new Int8Array(memory.buffer, 0, count * paddedDims);
    this.query = new Int16Array(memory.buffer, queryAt, paddedDims);
    this.sums = new Int32Array(memory.buffer, sumsAt, count);
  }

  /** A kernel for `count` vectors of `dims` dimensions, or undefined where WebAssembly SIMD is unavailable. */
  static create(count: number, dims: number): Int8DotKernel | undefined {
    const module = compiled();
    if (!module) return undefined;
    const paddedDims = Math.ceil(dims / 16) * 16;
    const bytes = align(align(count * paddedDims) + 2 * paddedDims) + 4 * count;
    const instance = new WebAssembly.Instance(module);
    const memory = instance.exports["memory"] as WebAssembly.Memory;
    const pages = Math.ceil(bytes / PAGE);
    if (pages > 1) memory.grow(pages - 1);
    const run = instance.exports["dots"] as (codes: number, count: number, dims: number, query: number, out: number) => void;
    return new Int8DotKernel(run, memory, count, paddedDims);
  }

  /** Stores vector `i`'s codes. */
  set(i: number, codes: Int8Array): void {
    this.codes.set(codes, i * this.paddedDims);
  }

  /** The integer dot product of every stored vector with `query` (int16 values, at most {@link paddedDims}). */
  dots(query: Int16Array): Int32Array {
    this.query.fill(0);
    this.query.set(query);
    this.run(0, this.count, this.paddedDims, this.query.byteOffset, this.sums.byteOffset);
    return this.sums;
  }
}

const PAGE = 65536;
const align = (n: number) => Math.ceil(n / 16) * 16;

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
