/**
 * The token sets of an index as numbers in one shared array. An index holds several sets per
 * phrasing and per entry; a `Set` per set costs several hundred bytes even for a dozen tokens,
 * which at 100,000 entries was most of the heap (DESIGN.md, "Memory and time at scale"). Iteration keeps insertion
 * order, as a `Set`'s does, so sums over a set do not change.
 */

import type { Term } from "./analyzer.js";
import type { DocTokens } from "./score.js";

/** What scoring needs of a set of tokens: a JavaScript `Set` is one, so is a {@link TokenSet}. */
export interface TokenLookup extends Iterable<string> {
  readonly size: number;
  /**
   * Whether the set holds `token`. `key` is the token's number in the arena of the set (-1: in
   * none of its sets), looked up once per question rather than once per set; a `Set` ignores it.
   */
  has(token: string, key?: number): boolean;
}

/** Where `n` is among `values[from]` … `values[to - 1]` (ascending), by bisection; -1 when it is not. */
export function indexOfSorted(values: Int32Array, from: number, to: number, n: number): number {
  let lo = from;
  let hi = to - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = values[mid]!;
    if (at === n) return mid;
    if (at < n) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Up to this many tokens a linear scan is as fast as a bisection and needs no sorted copy. */
const LINEAR_UP_TO = 16;

/** Every distinct token of an index with a number, and every token set of the index in one Int32Array. */
export class TokenArena {
  private readonly numbers = new Map<string, number>();
  private readonly tokens: string[] = [];
  /** Each set's numbers in insertion order, then, for a long set, the same numbers sorted. */
  data = new Int32Array(4096);
  private used = 0;

  /** How many distinct tokens have a number. */
  get size(): number {
    return this.tokens.length;
  }

  numberOf(token: string): number | undefined {
    return this.numbers.get(token);
  }

  tokenOf(n: number): string {
    return this.tokens[n]!;
  }

  /** The token's number, given it if it has none yet. */
  add(token: string): number {
    let n = this.numbers.get(token);
    if (n === undefined) {
      n = this.tokens.push(token) - 1;
      this.numbers.set(token, n);
    }
    return n;
  }

  /** A set of the distinct tokens of `tokens`. */
  set(tokens: Iterable<string>): TokenSet {
    const seen = new Set<number>();
    for (const t of tokens) seen.add(this.add(t));
    const own = [...seen];
    const start = this.append(own);
    const sortedAt = own.length > LINEAR_UP_TO ? this.append(own.sort((a, b) => a - b)) : -1;
    return new TokenSet(this, start, own.length, sortedAt);
  }

  /** Gives back the unused tail of the array once the index is built. */
  trim(): void {
    this.data = this.data.slice(0, this.used);
  }

  private append(values: readonly number[]): number {
    if (this.used + values.length > this.data.length) {
      const grown = new Int32Array(Math.max(this.data.length * 2, this.used + values.length));
      grown.set(this.data.subarray(0, this.used));
      this.data = grown;
    }
    const at = this.used;
    this.data.set(values, at);
    this.used += values.length;
    return at;
  }
}

export class TokenSet implements TokenLookup {
  constructor(
    private readonly arena: TokenArena,
    private readonly start: number,
    readonly size: number,
    /** Where the sorted copy starts, or -1 for a set short enough to scan. */
    private readonly sortedAt: number,
  ) {}

  has(token: string, key: number = this.arena.numberOf(token) ?? -1): boolean {
    return key >= 0 && this.hasNumber(key);
  }

  private hasNumber(n: number): boolean {
    const data = this.arena.data;
    if (this.sortedAt < 0) {
      for (let i = this.start, end = this.start + this.size; i < end; i++) if (data[i] === n) return true;
      return false;
    }
    return indexOfSorted(data, this.sortedAt, this.sortedAt + this.size, n) >= 0;
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let i = 0; i < this.size; i++) yield this.arena.tokenOf(this.arena.data[this.start + i]!);
  }
}

/** Two sets seen as one (an entry's phrasings and its answer) without a third copy; iteration: the first's tokens, then the second's the first lacks. */
export class TokenUnion implements TokenLookup {
  constructor(
    private readonly first: TokenLookup,
    private readonly second: TokenLookup,
  ) {}

  has(token: string, key?: number): boolean {
    return this.first.has(token, key) || this.second.has(token, key);
  }

  get size(): number {
    let n = this.first.size;
    for (const t of this.second) if (!this.first.has(t)) n++;
    return n;
  }

  *[Symbol.iterator](): Iterator<string> {
    yield* this.first;
    for (const t of this.second) if (!this.first.has(t)) yield t;
  }
}

/** A document's token sets in `arena`: every word and compound part, and the whole words. */
export function docTokens(terms: readonly Term[], arena: TokenArena): DocTokens {
  const words = terms.map((t) => t.token);
  return { all: arena.set([...words, ...terms.flatMap((t) => t.parts)]), words: arena.set(words) };
}
