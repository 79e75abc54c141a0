import { charBigrams, dice } from "../search/score.js";
import { cleanText } from "../search/normalize.js";
import type { SmalltalkIntent } from "../knowledge/types.js";

export interface SmalltalkMatch {
  intent: SmalltalkIntent;
  similarity: number;
  /** The example it matched best, cleaned. */
  example: string;
}

/** Small talk is short; a long message that contains 你好 is a question with a greeting. */
export const SMALLTALK_MAX_CHARS = 14;

/**
 * Matches greetings, thanks and the like against the example phrases in smalltalk.md, by
 * the better of character-bigram and word similarity (words with synonyms resolved, so
 * 你能干啥 meets 你能做什么 when the synonym table says 啥 = 什么).
 */
export class SmalltalkMatcher {
  private readonly examples: { intent: SmalltalkIntent; clean: string; bigrams: Set<string>; words: Set<string> }[];
  /** Examples that cleaning empties (👍, 👌): matched only as typed. */
  private readonly symbols = new Map<string, SmalltalkIntent>();
  /** Each bigram and word → the examples holding it, ascending: an example sharing neither with a message scores 0 unscored. */
  private readonly examplesOf = new Map<string, number[]>();

  constructor(
    intents: readonly SmalltalkIntent[],
    private readonly words: (clean: string) => string[] = () => [],
  ) {
    this.examples = intents.flatMap((intent) =>
      intent.examples.flatMap((ex) => {
        const clean = cleanText(ex);
        const compact = clean.replace(/\s+/g, "");
        if (!compact) this.symbols.set(ex.replace(/\s+/g, ""), intent);
        return compact ? [{ intent, clean: compact, bigrams: charBigrams(compact), words: new Set(words(clean)) }] : [];
      }),
    );
    this.examples.forEach((ex, i) => {
      for (const key of [...ex.bigrams, ...ex.words]) {
        const list = this.examplesOf.get(key) ?? [];
        if (list[list.length - 1] !== i) list.push(i);
        this.examplesOf.set(key, list);
      }
    });
  }

  /** The intent of a message that is exactly one of the examples cleaning empties (👍), or undefined. */
  matchSymbols(message: string): SmalltalkMatch | undefined {
    const intent = this.symbols.get(message.replace(/\s+/g, ""));
    return intent ? { intent, similarity: 1, example: message.trim() } : undefined;
  }

  /** Best intent for a cleaned message, or undefined when the message is not short small talk. */
  match(clean: string): SmalltalkMatch | undefined {
    const text = clean.replace(/\s+/g, "");
    if (!text || [...text].length > SMALLTALK_MAX_CHARS) return undefined;
    const bigrams = charBigrams(text);
    const words = new Set(this.words(clean));
    // Examples sharing a bigram or a word, in their order (the first of equals wins, as over every example); else the first, at 0.
    const shared = new Set<number>();
    for (const key of [...bigrams, ...words]) for (const i of this.examplesOf.get(key) ?? []) shared.add(i);
    const candidates = shared.size > 0 ? [...shared].sort((a, b) => a - b) : this.examples.length > 0 ? [0] : [];
    let best: SmalltalkMatch | undefined;
    for (const i of candidates) {
      const ex = this.examples[i]!;
      const similarity = ex.clean === text ? 1 : Math.max(dice(bigrams, ex.bigrams), dice(words, ex.words));
      if (!best || similarity > best.similarity) best = { intent: ex.intent, similarity, example: ex.clean };
    }
    return best;
  }
}
