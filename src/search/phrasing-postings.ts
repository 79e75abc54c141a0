/**
 * Which phrasings share anything with a question: a word, a compound part or a character bigram.
 * A phrasing that shares none scores exactly 0 (no overlap, no Dice), so the search skips scoring
 * it and the results are the same as scoring every phrasing. The lists are one Int32Array over the
 * arena's token numbers (compressed rows), built once per index.
 */
export class PhrasingPostings {
  private readonly offsets: Int32Array;
  private readonly phrasings: Int32Array;
  /** 1 for the phrasings the current question touches; cleared after each question. */
  private readonly marks: Uint8Array;
  private readonly marked: number[] = [];

  /** `keysOf(i)`: the arena numbers of phrasing i's tokens, parts and bigrams; `keyCount`: the arena's size. */
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
    this.marks = new Uint8Array(count);
  }

  /** Marks the phrasings that hold any of `keys` (-1 and numbers past the arena: held by none); returns the marks, valid until {@link clear}. */
  mark(keys: Iterable<number>): Uint8Array {
    for (const k of keys) {
      if (k < 0 || k + 1 >= this.offsets.length) continue;
      for (let j = this.offsets[k]!, end = this.offsets[k + 1]!; j < end; j++) {
        const p = this.phrasings[j]!;
        if (this.marks[p] === 0) {
          this.marks[p] = 1;
          this.marked.push(p);
        }
      }
    }
    return this.marks;
  }

  clear(): void {
    for (const p of this.marked) this.marks[p] = 0;
    this.marked.length = 0;
  }
}
