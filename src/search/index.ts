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
  /** Rank score in [0, 1]: blend of weighted token overlap and character-bigram similarity. */
  score: number;
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
  entries: EntryMatch[];
  passages: PassageMatch[];
}

export interface SearchOptions {
  /** Phrasings fetched from flexsearch before re-scoring. Default 80. */
  candidates: number;
  /** Weight of the token overlap in the rank score; the rest is character-bigram Dice. Default 0.8. */
  overlapWeight: number;
  /** F-beta of the token overlap; > 1 favours recall. Default 1.2. */
  beta: number;
}

export const DEFAULT_SEARCH_OPTIONS: SearchOptions = { candidates: 80, overlapWeight: 0.8, beta: 1.2 };

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
      units.push(unit, analyzer.analyze(entry.answer).tokens);
    });
    this.passages = passages.map((p) => {
      const tokens = analyzer.analyze(p.text).tokens;
      units.push(tokens);
      return { id: p.id, tokens: new Set(tokens) };
    });
    this.stats = new TermStats(units);
    this.typos = new TypoResolver(this.stats);
    // Tokens are ours (jieba + synonyms); flexsearch only splits on spaces. Pinyin keys let a
    // homophone typo that the resolver left alone still reach candidates.
    this.flex = new FlexIndex({ tokenize: "strict", resolution: 9, encode: (s: string) => s.split(" ").filter(Boolean) });
    this.phrasings.forEach((p, i) => this.flex.add(i, flexContent([...p.tokens])));
  }

  get size(): number {
    return this.entries.length;
  }

  weight(token: string): number {
    return this.stats.idf(token);
  }

  search(core: string): SearchResult {
    const terms = this.typos.resolve(this.analyzer.tokens(core));
    if (terms.length === 0) return { terms, entries: [], passages: [] };
    const hits = this.flex.search(flexContent(terms.map((t) => t.token)), { limit: this.options.candidates, suggest: true }) as number[];
    const candidateEntries = new Set(hits.map((h) => this.phrasings[h]!.entry));
    const queryBigrams = charBigrams(terms.map((t) => t.token).join(""));
    const weight = (t: string) => this.stats.idf(t);

    const entries: EntryMatch[] = [];
    for (const e of candidateEntries) {
      let best: EntryMatch | undefined;
      for (const pi of this.byEntry[e]!) {
        const p = this.phrasings[pi]!;
        const o = weightedOverlap(terms, p.tokens, weight, this.options.beta);
        const score = this.options.overlapWeight * o.f + (1 - this.options.overlapWeight) * dice(queryBigrams, p.bigrams);
        if (!best || score > best.score) best = { id: this.entries[e]!.id, score, recall: o.recall, precision: o.precision, phrasing: p.text };
      }
      if (best) entries.push(best);
    }
    entries.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));

    const key = terms.reduce((a, b) => (b.weight > a.weight ? b : a));
    const passages = this.passages
      .map((p) => ({ id: p.id, recall: weightedOverlap(terms, p.tokens, weight).recall, coversKeyTerm: p.tokens.has(key.token) }))
      .filter((p) => p.recall > 0)
      .sort((a, b) => b.recall - a.recall || a.id.localeCompare(b.id));
    return { terms, entries, passages };
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
