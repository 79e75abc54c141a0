import { pinyinKey } from "./pinyin.js";
import type { QueryTerm } from "./score.js";
import type { TermStats } from "./term-stats.js";
import type { Term } from "./analyzer.js";

/** How much a typo-corrected token counts, relative to the word as written. */
export const TYPO_DISCOUNT = 0.85;

/** Longest typo span, in characters, that is rejoined and looked up by sound. */
const MAX_SPAN_CHARS = 4;

const isHan = (w: string) => /^\p{Script=Han}+$/u.test(w);
const chars = (w: string) => [...w].length;

/**
 * Finds the word a homophone typo stands for (不贴 → 补贴, 才料 → 材料, 幼儿圆 → 幼儿园), through
 * toneless pinyin over the knowledge base's own vocabulary.
 *
 * With HMM off, jieba returns a multi-character token only for a dictionary word, so a typo
 * shows up as a run of single characters (不/贴) or a word plus a stray character (幼儿/圆).
 * Only such runs are rejoined and corrected: a real word the knowledge base lacks (志愿) is
 * left alone, or a question about 高考志愿 would become one about 支援.
 */
export class TypoResolver {
  private readonly bySound = new Map<string, string>();

  constructor(private readonly stats: TermStats) {
    const best = new Map<string, { word: string; idf: number }>();
    for (const word of stats.vocabulary()) {
      if (!isHan(word) || chars(word) < 2) continue;
      const key = pinyinKey(word);
      const idf = stats.idf(word);
      const prev = best.get(key);
      // Among homophones prefer the most common word (lowest idf).
      if (!prev || idf < prev.idf) best.set(key, { word, idf });
    }
    for (const [key, { word }] of best) this.bySound.set(key, word);
  }

  /** Weighted query terms: known words as they are, split typos rejoined and corrected by sound. */
  resolve(terms: readonly Term[]): QueryTerm[] {
    const tokens = terms.map((t) => t.token);
    const out: QueryTerm[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const span = this.correctSpan(tokens, i, terms);
      if (span) {
        out.push({ token: span.word, weight: this.stats.weight(span.word) * TYPO_DISCOUNT });
        i += span.length - 1;
        continue;
      }
      const { token, parts, stop } = terms[i]!;
      // Stop words were kept only so that a typo split into one can be rejoined.
      if (!stop) out.push({ token, weight: this.stats.weight(token), parts });
    }
    return out;
  }

  /** The longest run starting at `start` that sounds like a knowledge-base word it is not. */
  private correctSpan(tokens: readonly string[], start: number, terms: readonly Term[]): { word: string; length: number } | undefined {
    for (let end = Math.min(tokens.length, start + MAX_SPAN_CHARS); end > start + 1; end--) {
      const run = tokens.slice(start, end);
      if (!run.every(isHan) || !run.some((t) => chars(t) === 1)) continue;
      const joined = run.join("");
      if (chars(joined) > MAX_SPAN_CHARS || this.stats.has(joined)) continue;
      // A run of words the knowledge base already knows is not a typo; nor is a run of stop words.
      if (run.every((t) => this.stats.has(t))) continue;
      if (run.every((_, k) => terms[start + k]?.stop)) continue;
      const word = this.bySound.get(pinyinKey(joined));
      if (word) return { word, length: run.length };
    }
    return undefined;
  }
}
