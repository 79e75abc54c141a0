import type { Term } from "./analyzer.js";
import type { DocTokens, QueryTerm } from "./score.js";
import type { TokenLookup } from "./token-set.js";

/** A short text scored like a phrasing: its tokens and character bigrams. */
export interface ScoredText {
  text: string;
  tokens: DocTokens;
  bigrams: TokenLookup;
}

/** An out-of-scope example keeps its analysed words too (the classifier's features; examples are few). */
export interface ExampleText extends ScoredText {
  terms: Term[];
}

export interface OutOfScopeMatch {
  example: string;
  /** Phrasing score of the example against the question, in [0, 1]. */
  score: number;
}

/** A word in more than this share of the examples (and more than the minimum) finds none of them. */
const COMMON_SHARE = 0.05;
const COMMON_MIN = 8;

/**
 * Questions no entry answers (knowledge/out-of-scope.md), looked up by word. They are not
 * entries: they never rank, they only tell the decision how close the question comes to
 * something staff said the FAQ does not cover.
 */
export class OutOfScopeExamples {
  private readonly byWord = new Map<string, number[]>();
  private readonly common: number;
  private readonly seen: Uint32Array;
  private calls = 0;

  constructor(
    readonly examples: readonly ExampleText[],
    private readonly questionWords: ReadonlySet<string>,
  ) {
    examples.forEach((x, i) => {
      for (const t of x.tokens.all) {
        const holders = this.byWord.get(t);
        if (holders) holders.push(i);
        else this.byWord.set(t, [i]);
      }
    });
    this.common = Math.max(COMMON_MIN, examples.length * COMMON_SHARE);
    this.seen = new Uint32Array(examples.length);
  }

  /**
   * The best-scoring example among those sharing a specific word (or compound part) with the
   * question. Question words and words in many examples (怎么, 申请) are skipped: an example that
   * shares only those is no look-alike, and scoring every example would cost more than the
   * entries themselves.
   */
  nearest(terms: readonly QueryTerm[], score: (example: ScoredText) => number): OutOfScopeMatch | undefined {
    // Each call stamps the examples it scored, so one shared array replaces a Set per question.
    const stamp = ++this.calls;
    let best: OutOfScopeMatch | undefined;
    for (const t of terms) {
      for (const w of [t.token, ...(t.parts ?? [])]) {
        const holders = this.byWord.get(w);
        if (!holders || holders.length > this.common || this.questionWords.has(w)) continue;
        for (const i of holders) {
          if (this.seen[i] === stamp) continue;
          this.seen[i] = stamp;
          const x = this.examples[i]!;
          const s = score(x);
          if (s > (best?.score ?? 0)) best = { example: x.text, score: s };
        }
      }
    }
    return best;
  }
}
