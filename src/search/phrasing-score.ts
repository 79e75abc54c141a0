import type { ScoredText } from "./out-of-scope.js";
import type { PhrasingPostings } from "./phrasing-postings.js";
import { askedWeights, diceKeyed, diceOf, overlap, overlapOf, type KeyedTokens, type Overlap, type PreparedQuery } from "./score.js";

export const NO_OVERLAP: Overlap = { recall: 0, precision: 0, f: 0 };

/** How a phrasing score is made of its parts (search-options.ts documents them). */
export interface PhrasingScoreOptions {
  overlapWeight: number;
  beta: number;
  partWeight: number;
}

/** One question's phrasing scores: a phrasing's weighted token overlap (F-beta) mixed with its character-bigram Dice. */
export interface PhrasingScorer {
  /** Phrasing `i`'s overlap with the question. */
  overlapAt(i: number): Overlap;
  /** Phrasing `i`'s score, given its overlap. */
  scoreAt(i: number, o: Overlap): number;
  /** The score of any text scored like a phrasing (an out-of-scope example). */
  scoreText(x: ScoredText): number;
}

/**
 * The scorer of one question's phrasings. With `sums` (a small index) every phrasing's overlap is
 * added up word by word first, the same numbers as scoring it alone; without (a large index), each
 * candidate's phrasings are scored one by one. A phrasing sharing no word, part or bigram scores 0.
 */
export function phrasingScorer(
  query: { prepared: PreparedQuery; bigrams: KeyedTokens },
  phrasings: readonly ScoredText[],
  sums: PhrasingPostings | undefined,
  weight: (token: string) => number,
  { overlapWeight, beta, partWeight }: PhrasingScoreOptions,
): PhrasingScorer {
  const { prepared, bigrams } = query;
  const mix = (o: Overlap, dice: number) => overlapWeight * o.f + (1 - overlapWeight) * dice;
  const scoreText = (x: ScoredText, o = overlap(prepared, x.tokens, weight, beta, partWeight)) => mix(o, diceKeyed(bigrams, x.bigrams));
  if (!sums) return { overlapAt: (i) => overlap(prepared, phrasings[i]!.tokens, weight, beta, partWeight), scoreAt: (i, o) => scoreText(phrasings[i]!, o), scoreText: (x) => scoreText(x) };
  sums.measure(prepared, askedWeights(prepared, weight), bigrams.keys, partWeight);
  return {
    overlapAt: (i) => (sums.touched(i) ? overlapOf(sums.foundWeight(i), prepared.total, sums.askedWeight(i), phrasings[i]!.tokens.wordWeight!, beta) : NO_OVERLAP),
    scoreAt: (i, o) => (sums.touched(i) ? mix(o, diceOf(sums.commonBigrams(i), bigrams.tokens.length, phrasings[i]!.bigrams.size)) : 0),
    scoreText: (x) => scoreText(x),
  };
}

/**
 * The best `size` scores offered, ordered as a stable sort by descending score would order every
 * offer (equal scores keep the order offered), without keeping or sorting the rest.
 */
export class TopScores {
  private readonly owners: number[] = [];
  private readonly scores: number[] = [];

  constructor(private readonly size: number) {}

  offer(owner: number, score: number): void {
    const { owners, scores } = this;
    if (scores.length === this.size && score <= scores[scores.length - 1]!) return;
    // After the last kept score that is not lower: an equal score offered later stays behind.
    let at = scores.length;
    while (at > 0 && scores[at - 1]! < score) at--;
    owners.splice(at, 0, owner);
    scores.splice(at, 0, score);
    if (scores.length > this.size) {
      owners.pop();
      scores.pop();
    }
  }

  /** The owners of the kept scores, best first. */
  entries(): readonly number[] {
    return this.owners;
  }
}
