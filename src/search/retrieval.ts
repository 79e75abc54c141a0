import { Index as FlexIndex } from "flexsearch";
import { pinyinKey } from "./pinyin.js";
import type { QueryTerm } from "./score.js";
import type { TermStats } from "./term-stats.js";

/** How many of the question's words are used to fetch candidates from flexsearch. */
const MAX_RETRIEVAL_TERMS = 4;
/** A word in more than this share of the units is too common to fetch candidates with. */
const COMMON_SHARE = 0.02;

/**
 * The lexical candidate entries. In a small knowledge base (at most `exhaustiveBelow` entries):
 * every entry whose phrasings or answer share any word, from a plain word → entries table. In a
 * large one, flexsearch (it ranks, it does not score) fetches the best hits for the most specific
 * words. Tokens are ours (jieba + synonyms); flexsearch only splits on spaces. Pinyin keys let a
 * homophone typo that the resolver left alone still reach candidates.
 */
export class LexicalCandidates {
  /** A large knowledge base's index (undefined in a small one). */
  private readonly flex: FlexIndex | undefined;
  /** A small knowledge base's index: each word or sound key → the entries whose phrasings or answer hold it, ascending. */
  private readonly entriesOf: Map<string, Int32Array> | undefined;
  private readonly entryCount: number;

  constructor(
    /** The entry (index) of each phrasing, in phrasing order. */
    private readonly phrasingEntry: readonly number[],
    phrasingTokens: readonly Iterable<string>[],
    /** One per entry, in entry order. */
    answerTokens: readonly Iterable<string>[],
    private readonly stats: TermStats,
    private readonly options: { exhaustiveBelow: number; candidates: number },
  ) {
    this.entryCount = answerTokens.length;
    if (this.entryCount <= options.exhaustiveBelow) {
      // Every entry sharing a word is wanted, unranked: a plain word → entries table finds the same set as flexsearch, sooner.
      const entries = new Map<string, Set<number>>();
      const add = (tokens: Iterable<string>, entry: number) => {
        for (const key of searchKeys([...tokens])) {
          let set = entries.get(key);
          if (!set) entries.set(key, (set = new Set()));
          set.add(entry);
        }
      };
      phrasingTokens.forEach((tokens, i) => add(tokens, phrasingEntry[i]!));
      answerTokens.forEach((tokens, e) => add(tokens, e));
      this.entriesOf = new Map([...entries].map(([key, set]) => [key, Int32Array.from(set).sort()]));
      return;
    }
    const flex = (this.flex = new FlexIndex({ tokenize: "strict", resolution: 9, encode: (s: string) => s.split(" ").filter(Boolean) }));
    phrasingTokens.forEach((tokens, i) => flex.add(i, searchKeys([...tokens]).join(" ")));
    // Answers are indexed after the phrasings, under ids offset by the phrasing count.
    answerTokens.forEach((tokens, e) => flex.add(phrasingEntry.length + e, searchKeys([...tokens]).join(" ")));
  }

  /**
   * Candidate entries (indexes) for the question's terms. In a large knowledge base only the
   * most specific words are sent: a word most entries share (人才, 怎么) has a posting list as
   * long as the index and finds nothing the specific ones would not. Homophone keys ride along
   * for typos the resolver left alone.
   */
  retrieve(terms: readonly QueryTerm[]): Set<number> {
    const words = [...new Set(terms.flatMap((t) => [t.token, ...(t.parts ?? [])]))];
    if (this.entriesOf) return this.sharingAny(words, this.entriesOf);
    const flex = this.flex!;
    words.sort((a, b) => this.stats.weight(b) - this.stats.weight(a));
    const common = this.stats.units * COMMON_SHARE;
    const specific = words.filter((w) => this.stats.documentFrequency(w) > 0 && this.stats.documentFrequency(w) <= common).slice(0, MAX_RETRIEVAL_TERMS);
    // Unknown words reach entries only through their sound (a typo of a known word).
    for (const w of words) if (!this.stats.has(w) && /\p{Script=Han}/u.test(w)) specific.push(w);
    // With nothing specific, the rarest word alone, as it is: two long lists cost more to merge than they tell.
    const hits = (
      specific.length > 0
        ? flex.search(searchKeys(specific).join(" "), { limit: this.options.candidates, suggest: true })
        : words.length > 0
          ? flex.search(words[0]!.replace(/\s+/g, "_"), { limit: this.options.candidates })
          : []
    ) as number[];
    return this.entryIds(hits);
  }

  /** Small knowledge base: every entry whose phrasings or answer share any word, so none is missed; in entry order. */
  private sharingAny(words: readonly string[], entriesOf: Map<string, Int32Array>): Set<number> {
    const found = new Uint8Array(this.entryCount);
    for (const key of searchKeys(words)) for (const e of entriesOf.get(key) ?? []) found[e] = 1;
    const out = new Set<number>();
    for (let e = 0; e < found.length; e++) if (found[e] === 1) out.add(e);
    return out;
  }

  /** flexsearch ids → entry indexes: phrasings first, then answers offset by the phrasing count. */
  private entryIds(hits: readonly number[]): Set<number> {
    const phrasings = this.phrasingEntry.length;
    return new Set(hits.map((h) => (h < phrasings ? this.phrasingEntry[h]! : h - phrasings)));
  }
}

/** A word list as it is indexed and searched: each word (spaces as `_`), and beside a Chinese word of two or more characters its sound. */
function searchKeys(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    out.push(t.replace(/\s+/g, "_"));
    // Single characters have too many homophones for their sound to find anything useful.
    if (/\p{Script=Han}/u.test(t) && [...t].length > 1) out.push(`py_${pinyinKey(t)}`);
  }
  return out;
}
