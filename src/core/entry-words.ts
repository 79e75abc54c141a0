import { cosine } from "../search/embedding.js";
import type { AnswerEngine } from "./engine.js";

// The knowledge base's own words, per entry, as the follow-up reading needs them (learned from the
// entries, nothing fixed): which words an entry is asked with, which it speaks of at all, and whether
// a word is common enough across entries to name no subject (材料, 申请, 好).

/** Per entry, once per engine: the words it is asked with (question and alternates), and those plus its answer's; every such word. */
export interface EntryWords {
  phrasings: ReadonlySet<string>[];
  /** The same sets as `phrasings`, by entry id. */
  askedBy: ReadonlyMap<string, ReadonlySet<string>>;
  entries: ReadonlyMap<string, ReadonlySet<string>>;
  /** Every such word, with the number of entries that have it. */
  vocabulary: ReadonlyMap<string, number>;
}

export function entryWordsOf(engine: AnswerEngine): EntryWords {
  let words = ENTRY_WORD_SETS.get(engine);
  if (!words) {
    const tokens = (text: string) => engine.analyzer.analyze(text).tokens;
    const phrasings: Set<string>[] = [];
    const askedBy = new Map<string, ReadonlySet<string>>();
    const entries = new Map<string, ReadonlySet<string>>();
    const vocabulary = new Map<string, number>();
    for (const f of engine.kb.faqs) {
      const asked = new Set([f.question, ...f.alternates].flatMap(tokens));
      const all = new Set([...asked, ...tokens(f.answer)]);
      phrasings.push(asked);
      askedBy.set(f.id, asked);
      entries.set(f.id, all);
      for (const w of all) vocabulary.set(w, (vocabulary.get(w) ?? 0) + 1);
    }
    ENTRY_WORD_SETS.set(engine, (words = { phrasings, askedBy, entries, vocabulary }));
  }
  return words;
}
const ENTRY_WORD_SETS = new WeakMap<AnswerEngine, EntryWords>();

/** `word` is a word of entry `faqId` (its phrasings or answer) and of too few entries to be common: fewer than `commonShare` of them, or than 3. */
export function namesSubject(engine: AnswerEngine, word: string, faqId: string | undefined, commonShare: number): boolean {
  const { entries, vocabulary } = entryWordsOf(engine);
  if (faqId === undefined || !entries.get(faqId)?.has(word)) return false;
  return vocabulary.get(word)! < Math.max(3, commonShare * entries.size);
}

/**
 * Of `words` (used by no entry), those that are a variant of a word of entry `faqId` (of two characters
 * or more: single characters mean too many things): that word narrowed (学历证书 is a 证书), or a word
 * whose own vector is at least `minCosine` from its vector (涵盖 ~ 覆盖); never a sibling of one of its
 * words (租房补贴 beside 购房补贴 is another subject, not a variant). The entry's word
 * vectors are embedded on first use and kept for the last {@link KEPT_ENTRIES} entries asked about.
 */
export async function wordsLikeEntry(engine: AnswerEngine, faqId: string, words: readonly string[], minCosine: number): Promise<Set<string>> {
  const { words: ownWords, vectors: own } = await entryWordVectors(engine, faqId);
  const alike = new Set<string>();
  for (const word of words) {
    if (ownWords.some((u) => siblings(word, u))) continue;
    if (ownWords.some((u) => word.length > u.length && word.endsWith(u))) alike.add(word);
    else {
      // A word holding one of the entry's (人才公寓 holds 人才) is near it by construction, not by meaning.
      const v = await engine.embed(word);
      if (own.some((u, i) => cosine(u, v) >= minCosine && !word.includes(ownWords[i]!))) alike.add(word);
    }
  }
  return alike;
}

/** The two end alike (two characters or more) and neither holds the other: 租房补贴 and 购房补贴 narrow one thing two ways. */
function siblings(a: string, b: string): boolean {
  if (a.includes(b) || b.includes(a)) return false;
  let shared = 0;
  while (shared < a.length && shared < b.length && a[a.length - 1 - shared] === b[b.length - 1 - shared]) shared++;
  return shared >= 2;
}

const KEPT_ENTRIES = 64;
const ENTRY_WORD_VECTORS = new WeakMap<AnswerEngine, Map<string, Promise<{ words: string[]; vectors: Float32Array[] }>>>();

function entryWordVectors(engine: AnswerEngine, faqId: string): Promise<{ words: string[]; vectors: Float32Array[] }> {
  let kept = ENTRY_WORD_VECTORS.get(engine);
  if (!kept) ENTRY_WORD_VECTORS.set(engine, (kept = new Map()));
  let vectors = kept.get(faqId);
  if (vectors) kept.delete(faqId);
  else {
    const words = [...(entryWordsOf(engine).entries.get(faqId) ?? [])].filter((w) => [...w].length >= 2);
    vectors = Promise.all(words.map((w) => engine.embed(w))).then((v) => ({ words, vectors: v }));
    // A failed forward pass is not kept: the next follow-up tries again.
    vectors.catch(() => kept.delete(faqId));
  }
  kept.set(faqId, vectors);
  if (kept.size > KEPT_ENTRIES) kept.delete(kept.keys().next().value!);
  return vectors;
}
