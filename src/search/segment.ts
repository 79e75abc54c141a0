import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";
import { englishTokens } from "./english.js";

/**
 * Splits normalised text into words: jieba (with the knowledge base's user dictionary) for
 * Chinese runs, natural's tokenizer and stemmer for Latin runs, digits kept whole.
 */
export class Segmenter {
  private readonly jieba: Jieba;

  /** @param userDictionary jieba lines `词 频率 [词性]`; the frequency is required or jieba ignores the line. */
  constructor(userDictionary: readonly string[] = []) {
    this.jieba = Jieba.withDict(dict);
    if (userDictionary.length > 0) this.jieba.loadDict(Buffer.from(userDictionary.join("\n"), "utf8"));
  }

  segment(text: string): string[] {
    const words: string[] = [];
    for (const run of text.match(/\p{Script=Han}+|[a-z]+(?:'[a-z]+)?(?:\s+[a-z]+(?:'[a-z]+)?)*|\d+(?:\.\d+)?|[^\s\p{Script=Han}a-z\d]+/gu) ?? []) {
      if (/^\p{Script=Han}/u.test(run)) {
        // Search mode also yields the parts of long words (购房补贴 → 购房, 补贴, 购房补贴), so a
        // compound in the question still meets its parts in a phrasing and vice versa.
        // HMM off: it invents words from unknown character runs, which hurts typo matching.
        for (const w of this.jieba.cutForSearch(run, false)) if (w.trim()) words.push(w);
      } else if (/^[a-z]$/.test(run)) {
        // A lone letter is a talent class (C类, D类), not an English stop word.
        words.push(run);
      } else if (/^[a-z]/.test(run)) {
        words.push(...englishTokens(run));
      } else if (run.trim()) {
        words.push(run.trim());
      }
    }
    return words;
  }
}
