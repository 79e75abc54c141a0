import { bitCount, type PreparedQuery } from "./score.js";

/** Lists of phrasings by key (compressed rows over the arena's token numbers): which phrasings hold each key, each once. */
class Postings {
  private readonly offsets: Int32Array;
  private readonly phrasings: Int32Array;

  constructor(count: number, keysOf: (phrasing: number) => Iterable<number>, keyCount: number) {
    const counts = new Int32Array(keyCount + 1);
    const distinct: Int32Array[] = [];
    for (let i = 0; i < count; i++) {
      const keys = Int32Array.from(new Set(keysOf(i)));
      distinct.push(keys);
      for (const k of keys) counts[k + 1]!++;
    }
    for (let k = 0; k < keyCount; k++) counts[k + 1]! += counts[k]!;
    this.offsets = counts;
    this.phrasings = new Int32Array(counts[keyCount]!);
    const next = counts.slice(0, keyCount);
    distinct.forEach((keys, i) => {
      for (const k of keys) this.phrasings[next[k]!++] = i;
    });
  }

  /** Calls `visit` with every phrasing holding `key` (-1 and numbers past the arena: held by none). */
  forEach(key: number | undefined, visit: (phrasing: number) => void): void {
    if (key === undefined || key < 0 || key + 1 >= this.offsets.length) return;
    for (let j = this.offsets[key]!, end = this.offsets[key + 1]!; j < end; j++) visit(this.phrasings[j]!);
  }
}

/** What a phrasing's keys are, by role: its words and compound parts (`all`), its whole words, its character bigrams. */
export interface PhrasingKeys {
  all: (phrasing: number) => Iterable<number>;
  words: (phrasing: number) => Iterable<number>;
  bigrams: (phrasing: number) => Iterable<number>;
}

/**
 * The sums behind every phrasing's overlap with one question, computed term by term over lists of
 * phrasings by word (term-at-a-time, as a search engine's inverted index scores): a question's
 * few words walk the lists of the phrasings that hold them instead of every phrasing looking up
 * every word. The sums are added in the order {@link overlap} and {@link diceKeyed} add them
 * (question term by term), so the scores are the same numbers to the last bit. A phrasing sharing
 * no word, part or bigram with the question is not {@link touched}: it scores 0 on both halves.
 * Built for a small (exhaustive) index only: its lists cover every phrasing.
 */
export class PhrasingPostings {
  private readonly all: Postings;
  private readonly words: Postings;
  private readonly bigrams: Postings;
  /** Per phrasing, for the current question: the weight of its terms found (recall), of its words asked (precision), its shared bigrams. */
  private readonly found: Float64Array;
  private readonly asked: Float64Array;
  private readonly common: Int32Array;
  /** Scratch for compound parts: covered characters, and the term (by stamp) that set the phrasing's token or mask. */
  private readonly covered: Int32Array;
  private readonly hadToken: Int32Array;
  private readonly maskedBy: Int32Array;
  private stamp = 0;
  private readonly marks: Uint8Array;
  private readonly marked: number[] = [];

  constructor(count: number, keys: PhrasingKeys, keyCount: number) {
    this.all = new Postings(count, keys.all, keyCount);
    this.words = new Postings(count, keys.words, keyCount);
    this.bigrams = new Postings(count, keys.bigrams, keyCount);
    this.found = new Float64Array(count);
    this.asked = new Float64Array(count);
    this.common = new Int32Array(count);
    this.covered = new Int32Array(count);
    this.hadToken = new Int32Array(count);
    this.maskedBy = new Int32Array(count);
    this.marks = new Uint8Array(count);
  }

  /**
   * Adds up one question's sums (the previous question's are cleared first): `query` prepared with
   * the arena's numbers, `asked` its words with their weights (see {@link PreparedQuery.askedWeights}),
   * `bigramKeys` the numbers of its distinct bigrams.
   */
  measure(query: PreparedQuery, asked: readonly { weight: number; key: number | undefined }[], bigramKeys: readonly number[], partWeight: number): void {
    this.clear();
    // Touched: holds an asked word or part, or a bigram. The terms' tokens and located parts are walked below anyway;
    // the lists of the other asked parts (a part not found in its compound's text) only mark.
    const walked = new Set<number | undefined>();
    for (const term of query.terms) {
      const stamp = ++this.stamp;
      walked.add(term.key);
      this.all.forEach(term.key, (p) => {
        this.found[p]! += term.weight;
        this.hadToken[p] = stamp;
        this.touch(p);
      });
      if (term.spans.length === 0) continue;
      // A phrasing without the compound earns the share of its characters its parts cover (see partCredit).
      const partial: number[] = [];
      for (const { mask, key } of term.spans) {
        walked.add(key);
        this.all.forEach(key, (p) => {
          this.touch(p);
          if (this.hadToken[p] === stamp) return;
          if (this.maskedBy[p] !== stamp) {
            this.maskedBy[p] = stamp;
            this.covered[p] = 0;
            partial.push(p);
          }
          this.covered[p]! |= mask;
        });
      }
      for (const p of partial) this.found[p]! += term.weight * partWeight * (bitCount(this.covered[p]!) / term.chars);
    }
    for (const a of asked) if (!walked.has(a.key)) this.all.forEach(a.key, (p) => this.touch(p));
    for (const a of asked) this.words.forEach(a.key, (p) => void (this.asked[p]! += a.weight));
    for (const k of bigramKeys) {
      this.bigrams.forEach(k, (p) => {
        this.common[p]!++;
        this.touch(p);
      });
    }
  }

  /** Whether phrasing `p` shares a word, part or bigram with the measured question. */
  touched(p: number): boolean {
    return this.marks[p] === 1;
  }

  /** The weight of the question's terms phrasing `p` holds (the numerator of recall). */
  foundWeight(p: number): number {
    return this.found[p]!;
  }

  /** The weight of phrasing `p`'s words the question asks for (the numerator of precision). */
  askedWeight(p: number): number {
    return this.asked[p]!;
  }

  /** How many of the question's bigrams phrasing `p` holds. */
  commonBigrams(p: number): number {
    return this.common[p]!;
  }

  private touch(p: number): void {
    if (this.marks[p] === 0) {
      this.marks[p] = 1;
      this.marked.push(p);
    }
  }

  private clear(): void {
    for (const p of this.marked) {
      this.marks[p] = 0;
      this.found[p] = 0;
      this.asked[p] = 0;
      this.common[p] = 0;
    }
    this.marked.length = 0;
    // Stamps stay below 2^31: past it every phrasing's stamps restart.
    if (this.stamp > 2 ** 30) {
      this.stamp = 0;
      this.hadToken.fill(0);
      this.maskedBy.fill(0);
    }
  }
}
