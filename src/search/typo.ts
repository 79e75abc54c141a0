import { pinyinKey } from "./pinyin.js";
import type { QueryTerm } from "./score.js";
import type { TermStats } from "./term-stats.js";

/** How much a typo-corrected token counts, relative to the word as written. */
export const TYPO_DISCOUNT = 0.85;

/**
 * Finds the word a homophone typo stands for (不贴 → 补贴, 才料 → 材料), through toneless pinyin
 * over the knowledge base's own vocabulary. Only words of two or more characters are indexed:
 * single characters have too many homophones to guess safely.
 */
export class TypoResolver {
  private readonly bySound = new Map<string, string>();

  constructor(private readonly stats: TermStats) {
    const best = new Map<string, { word: string; idf: number }>();
    for (const word of stats.vocabulary()) {
      if (!/^\p{Script=Han}{2,}$/u.test(word)) continue;
      const key = pinyinKey(word);
      const idf = stats.idf(word);
      const prev = best.get(key);
      // Among homophones prefer the most common word (lowest idf).
      if (!prev || idf < prev.idf) best.set(key, { word, idf });
    }
    for (const [key, { word }] of best) this.bySound.set(key, word);
  }

  /** Weighted query terms: known words as they are, unknown words corrected where the sound matches. */
  resolve(tokens: readonly string[]): QueryTerm[] {
    const out: QueryTerm[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      const next = tokens[i + 1];
      // jieba splits an unknown typo into single characters: 不贴 → 不 / 贴.
      if (next !== undefined && [...token].length === 1 && [...next].length === 1 && !this.stats.has(token + next)) {
        const merged = this.bySound.get(pinyinKey(token + next));
        if (merged && (!this.stats.has(token) || !this.stats.has(next))) {
          out.push({ token: merged, weight: this.stats.idf(merged) * TYPO_DISCOUNT });
          i++;
          continue;
        }
      }
      if (this.stats.has(token)) {
        out.push({ token, weight: this.stats.idf(token) });
        continue;
      }
      const corrected = /^\p{Script=Han}{2,}$/u.test(token) ? this.bySound.get(pinyinKey(token)) : undefined;
      if (corrected) out.push({ token: corrected, weight: this.stats.idf(corrected) * TYPO_DISCOUNT });
      else out.push({ token, weight: this.stats.idf(token) });
    }
    return out;
  }
}
