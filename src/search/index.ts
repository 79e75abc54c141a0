import { Index as FlexIndex } from "flexsearch";
import type { Analyzer } from "./analyzer.js";
import { charBigrams, dice, weightedOverlap, type QueryTerm } from "./score.js";
import { TermStats } from "./term-stats.js";
import { TypoResolver } from "./typo.js";
import { pinyinKey } from "./pinyin.js";

/** One answerable entry: an id, the ways people ask for it, and its answer text. */
export interface IndexEntry {
  id: string;
  phrasings: readonly string[];
  answer: string;
}

/** A passage of reference text (a policy article) that can be quoted when no entry fits. */
export interface IndexPassage {
  id: string;
  text: string;
}

export interface EntryMatch {
  id: string;
  /** Rank score in [0, 1]: best phrasing, all phrasings together and the answer, blended. */
  score: number;
  /** Score of the best single phrasing (token overlap and bigram similarity). */
  phrasingScore: number;
  /** Share of the question's weight found in any phrasing of the entry. */
  entryRecall: number;
  /** Share of the question's weight found in the answer. */
  answerRecall: number;
  /** Share of the question's weight found anywhere in the entry (phrasings or answer). */
  coverage: number;
  /** Share of the question's weight the best phrasing explains. */
  recall: number;
  /** Share of the best phrasing's weight the question asks for. */
  precision: number;
  /** The phrasing that matched best. */
  phrasing: string;
}

export interface PassageMatch {
  id: string;
  /** Share of the question's weight found in the passage. */
  recall: number;
  /** Whether the passage contains the question's most specific word. */
  coversKeyTerm: boolean;
}

export interface SearchResult {
  terms: QueryTerm[];
  /** Share of the question's weight in words the knowledge base never uses (often an uncovered subject). */
  unknownShare: number;
  entries: EntryMatch[];
  passages: PassageMatch[];
}

export interface SearchOptions {
  /** Phrasings and answers fetched from flexsearch before re-scoring. Default 80. */
  candidates: number;
  /** Weight of the token overlap in a phrasing's score; the rest is character-bigram Dice. Default 0.8. */
  overlapWeight: number;
  /** F-beta of the token overlap; > 1 favours recall. Default 1.2. */
  beta: number;
  /** Weight of the best single phrasing in an entry's rank score. Default 0.7. */
  phrasingWeight: number;
  /** Weight of the question's recall against all phrasings of the entry together. Default 0.2. */
  entryWeight: number;
  /** Weight of the question's recall against the entry's answer text (weaker evidence). Default 0.1. */
  answerWeight: number;
  /** Weight of a word the knowledge base never uses, as a share of the highest weight. Default 1. */
  unknownWeight: number;
}

export const DEFAULT_SEARCH_OPTIONS: SearchOptions = { candidates: 80, overlapWeight: 0.7, beta: 1, phrasingWeight: 0.5, entryWeight: 0.2, answerWeight: 0.2 , unknownWeight: 1 };

interface Phrasing {
  entry: number;
  text: string;
  tokens: Set<string>;
  bigrams: Set<string>;
}

/**
 * flexsearch finds candidate phrasings (it ranks, it does not score); every candidate entry is
 * then re-scored with {@link weightedOverlap} and bigram {@link dice}. Policy passages are few,
 * so they are scored directly.
 */
export class SearchIndex {
  private readonly entries: IndexEntry[];
  private readonly phrasings: Phrasing[] = [];
  private readonly byEntry: number[][] = [];
  private readonly entryTokens: Set<string>[] = [];
  private readonly answerTokens: Set<string>[] = [];
  private readonly allTokens: Set<string>[] = [];
  private readonly passages: { id: string; tokens: Set<string> }[];
  private readonly stats: TermStats;
  private readonly typos: TypoResolver;
  private readonly flex: FlexIndex;
  private readonly options: SearchOptions;

  constructor(
    private readonly analyzer: Analyzer,
    entries: readonly IndexEntry[],
    passages: readonly IndexPassage[],
    options: Partial<SearchOptions> = {},
  ) {
    this.options = { ...DEFAULT_SEARCH_OPTIONS, ...options };
    this.entries = [...entries];
    const units: string[][] = [];
    this.entries.forEach((entry, e) => {
      const ids: number[] = [];
      const unit: string[] = [];
      for (const text of entry.phrasings) {
        const a = analyzer.analyze(text);
        ids.push(this.phrasings.length);
        this.phrasings.push({ entry: e, text, tokens: new Set(a.tokens), bigrams: charBigrams(a.tokens.join("")) });
        unit.push(...a.tokens);
      }
      this.byEntry.push(ids);
      this.entryTokens.push(new Set(unit));
      const answer = analyzer.analyze(entry.answer).tokens;
      this.answerTokens.push(new Set(answer));
      this.allTokens.push(new Set([...unit, ...answer]));
      units.push(unit, answer);
    });
    this.passages = passages.map((p) => {
      const tokens = analyzer.analyze(p.text).tokens;
      units.push(tokens);
      return { id: p.id, tokens: new Set(tokens) };
    });
    this.stats = new TermStats(units, this.options.unknownWeight);
    this.typos = new TypoResolver(this.stats);
    // Tokens are ours (jieba + synonyms); flexsearch only splits on spaces. Pinyin keys let a
    // homophone typo that the resolver left alone still reach candidates.
    this.flex = new FlexIndex({ tokenize: "strict", resolution: 9, encode: (s: string) => s.split(" ").filter(Boolean) });
    this.phrasings.forEach((p, i) => this.flex.add(i, flexContent([...p.tokens])));
    // Answers are indexed after the phrasings, under ids offset by the phrasing count.
    this.answerTokens.forEach((tokens, e) => this.flex.add(this.phrasings.length + e, flexContent([...tokens])));
  }

  get size(): number {
    return this.entries.length;
  }

  weight(token: string): number {
    return this.stats.idf(token);
  }

  search(core: string): SearchResult {
    const terms = this.typos.resolve(this.analyzer.tokens(core));
    if (terms.length === 0) return { terms, unknownShare: 0, entries: [], passages: [] };
    const totalWeight = terms.reduce((n, t) => n + t.weight, 0);
    const unknownShare = terms.filter((t) => !this.stats.has(t.token)).reduce((n, t) => n + t.weight, 0) / totalWeight;
    const hits = this.flex.search(flexContent(terms.map((t) => t.token)), { limit: this.options.candidates, suggest: true }) as number[];
    const candidateEntries = new Set(hits.map((h) => (h < this.phrasings.length ? this.phrasings[h]!.entry : h - this.phrasings.length)));
    const queryBigrams = charBigrams(terms.map((t) => t.token).join(""));
    const weight = (t: string) => this.stats.idf(t);

    const { overlapWeight, beta, phrasingWeight, entryWeight, answerWeight } = this.options;
    const entries: EntryMatch[] = [];
    for (const e of candidateEntries) {
      let best: { score: number; recall: number; precision: number; phrasing: string } | undefined;
      for (const pi of this.byEntry[e]!) {
        const p = this.phrasings[pi]!;
        const o = weightedOverlap(terms, p.tokens, weight, beta);
        const score = overlapWeight * o.f + (1 - overlapWeight) * dice(queryBigrams, p.bigrams);
        if (!best || score > best.score) best = { score, recall: o.recall, precision: o.precision, phrasing: p.text };
      }
      if (!best) continue;
      const entryRecall = weightedOverlap(terms, this.entryTokens[e]!, weight).recall;
      const answerRecall = weightedOverlap(terms, this.answerTokens[e]!, weight).recall;
      const coverage = weightedOverlap(terms, this.allTokens[e]!, weight).recall;
      const score = (phrasingWeight * best.score + entryWeight * entryRecall + answerWeight * answerRecall) / (phrasingWeight + entryWeight + answerWeight);
      entries.push({ id: this.entries[e]!.id, score, phrasingScore: best.score, entryRecall, answerRecall, coverage, recall: best.recall, precision: best.precision, phrasing: best.phrasing });
    }
    entries.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));

    const key = terms.reduce((a, b) => (b.weight > a.weight ? b : a));
    const passages = this.passages
      .map((p) => ({ id: p.id, recall: weightedOverlap(terms, p.tokens, weight).recall, coversKeyTerm: p.tokens.has(key.token) }))
      .filter((p) => p.recall > 0)
      .sort((a, b) => b.recall - a.recall || a.id.localeCompare(b.id));
    return { terms, unknownShare, entries, passages };
  }
}

function flexContent(tokens: readonly string[]): string {
  const out: string[] = [];
  for (const t of tokens) {
    out.push(t.replace(/\s+/g, "_"));
    if (/\p{Script=Han}/u.test(t)) out.push(`py_${pinyinKey(t)}`);
  }
  return out.join(" ");
}
