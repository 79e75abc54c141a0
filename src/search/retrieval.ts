import { Index as FlexIndex } from "flexsearch";
import { pinyinKey } from "./pinyin.js";
import type { QueryTerm } from "./score.js";
import type { TermStats } from "./term-stats.js";

/** How many of the question's words are used to fetch candidates from flexsearch. */
const MAX_RETRIEVAL_TERMS = 4;
/** A word in more than this share of the units is too common to fetch candidates with. */
const COMMON_SHARE = 0.02;

/**
 * flexsearch finds the candidate entries (it ranks, it does not score): every phrasing and
 * answer sharing a word with the question in a small knowledge base, the best hits for the
 * most specific words in a large one. Tokens are ours (jieba + synonyms); flexsearch only
 * splits on spaces. Pinyin keys let a homophone typo that the resolver left alone still reach
 * candidates.
 */
export class LexicalCandidates {
  private readonly flex: FlexIndex;
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
    this.flex = new FlexIndex({ tokenize: "strict", resolution: 9, encode: (s: string) => s.split(" ").filter(Boolean) });
    phrasingTokens.forEach((tokens, i) => this.flex.add(i, flexContent([...tokens])));
    // Answers are indexed after the phrasings, under ids offset by the phrasing count.
    answerTokens.forEach((tokens, e) => this.flex.add(phrasingEntry.length + e, flexContent([...tokens])));
  }

  /**
   * Candidate entries (indexes) for the question's terms. In a large knowledge base only the
   * most specific words are sent: a word most entries share (人才, 怎么) has a posting list as
   * long as the index and finds nothing the specific ones would not. Homophone keys ride along
   * for typos the resolver left alone.
   */
  retrieve(terms: readonly QueryTerm[]): Set<number> {
    const words = [...new Set(terms.flatMap((t) => [t.token, ...(t.parts ?? [])]))].sort((a, b) => this.stats.weight(b) - this.stats.weight(a));
    const documents = this.phrasingEntry.length + this.entryCount;
    if (this.entryCount <= this.options.exhaustiveBelow) {
      // Small knowledge base: every phrasing or answer that shares any word, so no entry is missed.
      return this.entryIds(this.flex.search(flexContent(words), { limit: documents, suggest: true }) as number[]);
    }
    const common = this.stats.units * COMMON_SHARE;
    const specific = words.filter((w) => this.stats.documentFrequency(w) > 0 && this.stats.documentFrequency(w) <= common).slice(0, MAX_RETRIEVAL_TERMS);
    // Unknown words reach entries only through their sound (a typo of a known word).
    for (const w of words) if (!this.stats.has(w) && /\p{Script=Han}/u.test(w)) specific.push(w);
    // With nothing specific, the rarest word alone, as it is: two long lists cost more to merge than they tell.
    const hits = (
      specific.length > 0
        ? this.flex.search(flexContent(specific), { limit: this.options.candidates, suggest: true })
        : words.length > 0
          ? this.flex.search(words[0]!.replace(/\s+/g, "_"), { limit: this.options.candidates })
          : []
    ) as number[];
    return this.entryIds(hits);
  }

  /** flexsearch ids → entry indexes: phrasings first, then answers offset by the phrasing count. */
  private entryIds(hits: readonly number[]): Set<number> {
    const phrasings = this.phrasingEntry.length;
    return new Set(hits.map((h) => (h < phrasings ? this.phrasingEntry[h]! : h - phrasings)));
  }
}

function flexContent(tokens: readonly string[]): string {
  const out: string[] = [];
  for (const t of tokens) {
    out.push(t.replace(/\s+/g, "_"));
    // Single characters have too many homophones for their sound to find anything useful.
    if (/\p{Script=Han}/u.test(t) && [...t].length > 1) out.push(`py_${pinyinKey(t)}`);
  }
  return out.join(" ");
}
