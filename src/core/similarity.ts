import type { Similarity } from "../log/types.js";
import { bigramDice } from "../log/similarity.js";
import type { Analyzer } from "../search/analyzer.js";

const CACHE_LIMIT = 10_000;

/**
 * Question-log grouping with the engine's own view of a question: Dice coefficient over the
 * sets of canonical tokens (segmented, stop words dropped, synonyms resolved), so
 * "孩子上学要什么资料" and "子女入学需要什么材料" meet as the engine sees them. Texts without
 * tokens fall back to character bigrams. `analyzer` is a function so a reloaded knowledge
 * base (new synonyms) takes effect.
 */
export function analyzerSimilarity(analyzer: () => Analyzer): Similarity {
  // Grouping compares a new question with every open group's keys; segmenting them anew
  // each time would cost a jieba call per key per question.
  let cachedFor: Analyzer | undefined;
  const cache = new Map<string, ReadonlySet<string>>();
  const tokensOf = (text: string): ReadonlySet<string> => {
    const current = analyzer();
    if (current !== cachedFor) {
      cache.clear();
      cachedFor = current;
    }
    let tokens = cache.get(text);
    if (!tokens) {
      if (cache.size >= CACHE_LIMIT) cache.clear();
      tokens = new Set(current.tokens(text));
      cache.set(text, tokens);
    }
    return tokens;
  };
  return (a, b) => {
    const left = tokensOf(a);
    const right = tokensOf(b);
    if (left.size === 0 || right.size === 0) return bigramDice(a, b);
    let shared = 0;
    for (const token of left) if (right.has(token)) shared++;
    return (2 * shared) / (left.size + right.size);
  };
}
