import { pinyin } from "pinyin-pro";

const cache = new Map<string, string>();

/**
 * Toneless pinyin of a Chinese word ("补贴" → "butie"), so homophone typos (不贴, 才料, 职程)
 * can be matched to the word the asker meant. Non-Chinese words map to themselves.
 */
export function pinyinKey(word: string): string {
  if (!/\p{Script=Han}/u.test(word)) return word;
  let key = cache.get(word);
  if (key === undefined) {
    key = pinyin(word, { toneType: "none", type: "array", v: true }).join("");
    if (cache.size > 50_000) cache.clear();
    cache.set(word, key);
  }
  return key;
}
