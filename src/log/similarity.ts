import type { Similarity } from "./types.js";

/**
 * Default similarity: Dice coefficient over character bigrams,
 * 2·|A∩B| / (|A|+|B|) with A, B the multisets of adjacent character pairs.
 * Works on Chinese without word segmentation. Whitespace is ignored; a text
 * of one character is compared as that character.
 *
 * With the default threshold of 0.6 (DEFAULT_GROUP_THRESHOLD), rewordings
 * such as "博士安家费怎么申请" / "博士安家费如何申请" group together
 * (0.625), while questions that share only a topic word do not
 * ("博士安家费怎么申请" / "硕士租房补贴怎么申请": 0.35).
 */
export const bigramDice: Similarity = (a, b) => {
  const left = bigrams(a);
  const right = bigrams(b);
  if (left.length === 0 && right.length === 0) return 1;
  if (left.length === 0 || right.length === 0) return 0;
  const remaining = new Map<string, number>();
  for (const pair of left) remaining.set(pair, (remaining.get(pair) ?? 0) + 1);
  let shared = 0;
  for (const pair of right) {
    const available = remaining.get(pair) ?? 0;
    if (available > 0) {
      shared++;
      remaining.set(pair, available - 1);
    }
  }
  return (2 * shared) / (left.length + right.length);
};

/** Groups form at or above this similarity. */
export const DEFAULT_GROUP_THRESHOLD = 0.6;

function bigrams(text: string): string[] {
  const characters = Array.from(text.replace(/\s+/g, ""));
  if (characters.length === 1) return characters;
  const pairs: string[] = [];
  for (let i = 0; i + 1 < characters.length; i++) pairs.push(`${characters[i]}${characters[i + 1]}`);
  return pairs;
}
