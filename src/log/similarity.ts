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
  const left = profile(a);
  const right = profile(b);
  if (left.size === 0 && right.size === 0) return 1;
  if (left.size === 0 || right.size === 0) return 0;
  // Allocation-free: this runs for every open group's keys on every new question.
  const swap = left.counts.size > right.counts.size;
  const small = swap ? right.counts : left.counts;
  const large = swap ? left.counts : right.counts;
  let shared = 0;
  small.forEach((n, pair) => {
    const other = large.get(pair);
    if (other !== undefined) shared += n < other ? n : other;
  });
  return (2 * shared) / (left.size + right.size);
};

/** Bigram counts per text, cached: grouping compares every new question with every open group's keys. */
const PROFILE_CACHE_LIMIT = 10_000;
const profiles = new Map<string, { counts: Map<string, number>; size: number }>();

function profile(text: string): { counts: Map<string, number>; size: number } {
  let found = profiles.get(text);
  if (!found) {
    const pairs = bigrams(text);
    const counts = new Map<string, number>();
    for (const pair of pairs) counts.set(pair, (counts.get(pair) ?? 0) + 1);
    found = { counts, size: pairs.length };
    if (profiles.size >= PROFILE_CACHE_LIMIT) profiles.clear();
    profiles.set(text, found);
  }
  return found;
}

/** Groups form at or above this similarity. */
export const DEFAULT_GROUP_THRESHOLD = 0.6;

function bigrams(text: string): string[] {
  const characters = Array.from(text.replace(/\s+/g, ""));
  if (characters.length === 1) return characters;
  const pairs: string[] = [];
  for (let i = 0; i + 1 < characters.length; i++) pairs.push(`${characters[i]}${characters[i + 1]}`);
  return pairs;
}
