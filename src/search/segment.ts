import { Jieba } from "@node-rs/jieba";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { englishTokens } from "./english.js";
import type { TaggedWord } from "./place.js";

/** A word and, for a compound, the dictionary words inside it (购房补贴 → 购房, 补贴). */
export interface Word {
  text: string;
  parts: string[];
}

/**
 * jieba's own dictionary, read for each new segmenter and let go once jieba has built its tables from it.
 * Not `@node-rs/jieba/dict.js`: that module keeps the dictionary and an idf table (11 MB) for the life of the process.
 */
const readJiebaDictionary = () => readFileSync(createRequire(import.meta.url).resolve("@node-rs/jieba/dict.txt"));

/**
 * Splits normalised text into words: jieba (with the knowledge base's user dictionary) for
 * Chinese runs, natural's tokenizer and stemmer for Latin runs, digits kept whole.
 */
export class Segmenter {
  private readonly jieba: Jieba;
  // Loading jieba's dictionary takes a quarter of a second; a refit builds several engines on one dictionary.
  private static readonly recent = new Map<string, Segmenter>();
  private static readonly RECENT_LIMIT = 4;
  /** The last text segmented and its words: one question is segmented by several steps (its terms, its words, small talk). */
  private last: { text: string; words: readonly Word[] } | undefined;

  /** A segmenter for this user dictionary, shared with the last few callers that asked for the same one (segmenting is stateless). */
  static shared(userDictionary: readonly string[] = []): Segmenter {
    const key = userDictionary.join("\n");
    let segmenter = Segmenter.recent.get(key);
    if (segmenter) Segmenter.recent.delete(key);
    else segmenter = new Segmenter(userDictionary);
    Segmenter.recent.set(key, segmenter);
    for (const old of Segmenter.recent.keys()) {
      if (Segmenter.recent.size <= Segmenter.RECENT_LIMIT) break;
      Segmenter.recent.delete(old);
    }
    return segmenter;
  }

  /** @param userDictionary jieba lines `词 频率 [词性]`; the frequency is required or jieba ignores the line. */
  constructor(userDictionary: readonly string[] = []) {
    this.jieba = Jieba.withDict(readJiebaDictionary());
    if (userDictionary.length > 0) this.jieba.loadDict(Buffer.from(userDictionary.join("\n"), "utf8"));
  }

  segment(text: string): Word[] {
    if (this.last?.text !== text) this.last = { text, words: this.cut(text) };
    // Copies: a caller may change what it is given.
    return this.last.words.map((w) => ({ text: w.text, parts: [...w.parts] }));
  }

  private cut(text: string): Word[] {
    const words: Word[] = [];
    const plain = (w: string) => words.push({ text: w, parts: [] });
    for (const run of text.match(/\p{Script=Han}+|[a-z]+(?:'[a-z]+)?(?:\s+[a-z]+(?:'[a-z]+)?)*|\d+(?:\.\d+)?|[^\s\p{Script=Han}a-z\d]+/gu) ?? []) {
      if (/^\p{Script=Han}/u.test(run)) {
        // HMM off: it invents words from unknown character runs, which hurts typo matching.
        for (const w of this.jieba.cut(run, false)) {
          if (!w.trim()) continue;
          // Search mode yields the parts of a compound, so 购房补贴 in a question still meets
          // 购房 and 补贴 in a phrasing, and vice versa; the compound keeps counting once.
          const parts = [...w].length > 2 ? this.jieba.cutForSearch(w, false).filter((p) => p !== w && [...p].length > 1) : [];
          words.push({ text: w, parts });
        }
      } else if (/^[a-z]$/.test(run)) {
        // A lone letter is a talent class (C类, D类), not an English stop word.
        plain(run);
      } else if (/^[a-z]/.test(run)) {
        englishTokens(run).forEach(plain);
      } else if (run.trim()) {
        plain(run.trim());
      }
    }
    return words;
  }

  /** jieba's words of Chinese text with their part-of-speech tags (ns: a place name). */
  tag(text: string): TaggedWord[] {
    return this.jieba.tag(text, false).map(({ word, tag }) => ({ word, tag }));
  }
}
