import type { AnswerEngine } from "./engine.js";

// The knowledge base's own words, per entry, as the follow-up reading needs them (learned from the
// entries, nothing fixed): which words an entry is asked with, which it speaks of at all, and whether
// a word is common enough across entries to name no subject (材料, 申请, 好).

/** Per entry, once per engine: the words it is asked with (question and alternates), and those plus its answer's; every such word. */
export interface EntryWords {
  phrasings: ReadonlySet<string>[];
  entries: ReadonlyMap<string, ReadonlySet<string>>;
  /** Every such word, with the number of entries that have it. */
  vocabulary: ReadonlyMap<string, number>;
}

export function entryWordsOf(engine: AnswerEngine): EntryWords {
  let words = ENTRY_WORD_SETS.get(engine);
  if (!words) {
    const tokens = (text: string) => engine.analyzer.analyze(text).tokens;
    const phrasings: Set<string>[] = [];
    const entries = new Map<string, ReadonlySet<string>>();
    const vocabulary = new Map<string, number>();
    for (const f of engine.kb.faqs) {
      const asked = new Set([f.question, ...f.alternates].flatMap(tokens));
      const all = new Set([...asked, ...tokens(f.answer)]);
      phrasings.push(asked);
      entries.set(f.id, all);
      for (const w of all) vocabulary.set(w, (vocabulary.get(w) ?? 0) + 1);
    }
    ENTRY_WORD_SETS.set(engine, (words = { phrasings, entries, vocabulary }));
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
