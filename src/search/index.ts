import type { Analyzer } from "./analyzer.js";
import { charBigrams, keyedTokens, prepareQuery, recall, sumWeights, type DocTokens } from "./score.js";
import { NO_OVERLAP, TopScores, phrasingScorer } from "./phrasing-score.js";
import { TermStats } from "./term-stats.js";
import { TypoResolver } from "./typo.js";
import { bayesClass, evidenceOf, posteriors, type BayesClass } from "./bayes.js";
import type { Term } from "./analyzer.js";
import { SoftmaxClassifier, classifierFeatures } from "./classifier.js";
import { OutOfScopeExamples, type ScoredText } from "./out-of-scope.js";
import { rankScore, type RankWeights } from "./rank.js";
import { denseTables, meaningOf, type DenseTables } from "./dense.js";
import type { EntryMatch, IndexEntry, IndexPassage, OutOfScopeText, PassageMatch, SearchResult } from "./index-types.js";
import { PhrasingPostings } from "./phrasing-postings.js";
import { LexicalCandidates } from "./retrieval.js";
import { DEFAULT_SEARCH_OPTIONS, type SearchOptions } from "./search-options.js";
import { rankPassages, termDifferences, unknownWords } from "./differences.js";
import { TokenArena, TokenUnion, docTokens } from "./token-set.js";

// The index's parts, one file each: index-types.ts (what it is built from and returns),
// search-options.ts (its options and their defaults), retrieval.ts (lexical candidates),
// dense.ts (the embedding side), phrasing-score.ts and phrasing-postings.ts (phrasing scores),
// differences.ts (word-level signals); here, the signals and the ranking of one question.
export type { EntryMatch, IndexEntry, IndexPassage, OutOfScopeText, PassageMatch, SearchResult } from "./index-types.js";
export { DEFAULT_QUESTION_WORDS, DEFAULT_SEARCH_OPTIONS, type SearchOptions } from "./search-options.js";

/** A phrasing as the index keeps it: its token sets (its analysed words are kept in a small index only). */
interface Phrasing extends ScoredText {
  entry: number;
}

/**
 * flexsearch finds the lexical candidates ({@link LexicalCandidates}) and the embedding adds the
 * entries nearest in meaning ({@link meaningOf}); every candidate is then re-scored with
 * {@link weightedOverlap}, bigram {@link dice} and the naive-Bayes view. Policy passages are few,
 * so they are scored directly, and only when no entry fits.
 */
export class SearchIndex {
  private readonly entries: IndexEntry[];
  private readonly phrasings: Phrasing[] = [];
  private readonly byEntry: number[][] = [];
  private readonly entryTokens: DocTokens[] = [];
  private readonly answerTokens: DocTokens[] = [];
  /** Each entry's phrasings and answer together: a view of the two sets above, for the coverage signal (recall only). */
  private readonly allTokens: Pick<DocTokens, "all">[] = [];
  private readonly passages: { id: string; tokens: DocTokens; title: DocTokens }[];
  /** Questions no entry answers. */
  private readonly outOfScope: OutOfScopeExamples;
  private readonly classes: BayesClass[] = [];
  private readonly background: BayesClass;
  private readonly indexOf = new Map<string, number>();
  /** Every word and compound part of every phrasing and answer. */
  private readonly entryVocabulary = new Set<string>();
  private readonly vocabularySize: number;
  private readonly classifier: SoftmaxClassifier | undefined;
  private readonly stats: TermStats;
  private readonly typos: TypoResolver;
  private readonly lexical: LexicalCandidates;
  private readonly options: SearchOptions;
  /** The entry of each phrasing, in phrasing order. */
  private readonly phrasingEntry: number[];
  /** Absent without embeddings. */
  private readonly dense: DenseTables | undefined;
  private readonly arena: TokenArena;
  private readonly postings: PhrasingPostings | undefined;
  /** Each phrasing's analysed words, kept in a small (exhaustive) index only: a large one analyses its leader again. */
  private readonly phrasingTerms: Term[][] | undefined;

  constructor(
    private readonly analyzer: Analyzer,
    entries: readonly IndexEntry[],
    passages: readonly IndexPassage[],
    outOfScope: readonly OutOfScopeText[] = [],
    options: Partial<SearchOptions> = {},
  ) {
    this.options = { ...DEFAULT_SEARCH_OPTIONS, ...options };
    // The vectors live on in the dense tables only: the entries keep their words.
    this.entries = entries.map(({ vectors: _vectors, answerVector: _answerVector, ...entry }) => entry);
    const arena = (this.arena = new TokenArena());
    const units: string[][] = [];
    // Small enough that every entry is a candidate: the classifier is on (it keeps each phrasing's analysed words while the
    // index is built; a large index would hold millions of words for nothing) and unshared phrasings are skipped.
    const exhaustive = this.entries.length <= this.options.exhaustiveBelow;
    const phrasingTerms: Term[][] = [];
    this.entries.forEach((entry, e) => {
      const ids: number[] = [];
      const unit: Term[] = [];
      for (const text of entry.phrasings) {
        const { terms } = analyzer.analyze(text);
        ids.push(this.phrasings.length);
        if (exhaustive) phrasingTerms.push(terms);
        this.phrasings.push({ entry: e, text, tokens: docTokens(terms, arena), bigrams: arena.set(charBigrams(terms.map((t) => t.token).join(""))) });
        unit.push(...terms);
      }
      this.byEntry.push(ids);
      this.entryTokens.push(docTokens(unit, arena));
      const answer = analyzer.analyze(entry.answer).terms;
      this.answerTokens.push(docTokens(answer, arena));
      this.allTokens.push({ all: new TokenUnion(this.entryTokens[e]!.all, this.answerTokens[e]!.all) });
      const flat = (terms: Term[]) => terms.flatMap((t) => [t.token, ...t.parts]);
      this.classes.push(
        bayesClass(
          [
            [flat(unit), 1],
            [flat(answer), this.options.bayesAnswerWeight],
          ],
          arena,
        ),
      );
      units.push(flat(unit), flat(answer));
    });
    for (const d of this.allTokens) for (const t of d.all) this.entryVocabulary.add(t);
    const uncovered: string[][] = [];
    // Sentences of uncovered policy text are the classifier's "none of the entries" examples.
    const backgroundSentences: Term[][] = [];
    this.passages = passages.map((p) => {
      const a = analyzer.analyze(`${p.title} ${p.text}`);
      units.push(a.tokens);
      if (p.uncovered) {
        uncovered.push(a.tokens);
        for (const sentence of `${p.title}。${p.text}`.split(/[。；！？\n]+/)) {
          const terms = analyzer.analyze(sentence).terms;
          if (terms.length > 0) backgroundSentences.push(terms);
        }
      }
      return { id: p.id, tokens: docTokens(a.terms, arena), title: docTokens(analyzer.analyze(p.title).terms, arena) };
    });
    this.outOfScope = new OutOfScopeExamples(
      outOfScope.map(({ text }) => {
        const terms = analyzer.analyze(text).terms;
        return { text, terms, tokens: docTokens(terms, arena), bigrams: arena.set(charBigrams(terms.map((t) => t.token).join(""))) };
      }),
      new Set(this.options.questionWords),
    );
    this.background = bayesClass(
      uncovered.map((t) => [t, this.options.bayesAnswerWeight]),
      arena,
    );
    this.stats = new TermStats(units, this.options);
    const w = (t: string) => this.stats.weight(t);
    for (const d of [
      ...this.phrasings.map((p) => p.tokens),
      ...this.outOfScope.examples.map((x) => x.tokens),
      ...this.entryTokens,
      ...this.answerTokens,
      ...this.passages.flatMap((p) => [p.tokens, p.title]),
    ]) {
      d.wordWeight = sumWeights(d.words, w);
    }
    this.vocabularySize = [...this.stats.vocabulary()].length;
    this.entries.forEach((entry, e) => this.indexOf.set(entry.id, e));
    this.typos = new TypoResolver(this.stats);
    const background = this.entries.length; // the extra class: uncovered policy text
    this.classifier = exhaustive
      ? new SoftmaxClassifier(
          [
            ...this.phrasings.map((p, i) => ({ features: classifierFeatures(phrasingTerms[i]!), label: p.entry })),
            ...backgroundSentences.map((terms) => ({ features: classifierFeatures(terms), label: background })),
            // Out-of-scope examples are the staff's own "none of the entries" questions.
            ...this.outOfScope.examples.map((x) => ({ features: classifierFeatures(x.terms), label: background })),
          ],
          this.entries.length + 1,
          this.options.classifier,
        )
      : undefined;
    this.phrasingEntry = this.phrasings.map((p) => p.entry);
    this.lexical = new LexicalCandidates(
      this.phrasingEntry,
      this.phrasings.map((p) => p.tokens.all),
      this.answerTokens.map((t) => t.all),
      this.stats,
      this.options,
    );
    this.dense = denseTables(entries, outOfScope, this.options);
    // Not in a large index: the candidates' phrasings are few there, and a common word's list is long.
    const numbers = (tokens: Iterable<string>) => [...tokens].map((t) => arena.numberOf(t)!);
    const keys = {
      all: (pi: number) => numbers(this.phrasings[pi]!.tokens.all),
      words: (pi: number) => numbers(this.phrasings[pi]!.tokens.words),
      bigrams: (pi: number) => numbers(this.phrasings[pi]!.bigrams),
    };
    this.postings = exhaustive ? new PhrasingPostings(this.phrasings.length, keys, arena.size) : undefined;
    this.phrasingTerms = exhaustive ? phrasingTerms : undefined;
    arena.trim();
  }

  /**
   * Scores the candidates for a question's core form; `query` is its sentence vector (embeddings
   * on); `rankWeights` replace the configured ones for this call (the fit compares weightings).
   */
  search(core: string, query?: Float32Array, rankWeights: RankWeights = this.options.rankWeights): SearchResult {
    const terms = this.typos.resolve(this.analyzer.terms(core, true));
    const meaning = query && this.dense ? meaningOf(this.dense, query, this.phrasingEntry, this.entries.length, this.options) : undefined;
    if (terms.length === 0 && !meaning)
      return { terms, unknownShare: 0, uncoveredShare: 0, uncoveredPeak: 0, outOfScopeScore: 0, outOfScopeCosine: 0, missingPeak: 0, extraPeak: 0, entries: [], passages: () => [] };
    const { unknownShare, uncoveredShare, uncoveredPeak } = unknownWords(terms, this.stats, this.entryVocabulary);
    const candidateEntries = terms.length > 0 ? this.lexical.retrieve(terms) : new Set<number>();
    // Entries nearest in meaning are candidates whatever words they share: a paraphrase may share none.
    if (meaning) for (const e of meaning.nearest) candidateEntries.add(e);
    // Every token set of the index shares one arena: a question's tokens are looked up there once, not once per set.
    const keyOf = (t: string) => this.arena.numberOf(t) ?? -1;
    const queryBigrams = keyedTokens(charBigrams(terms.map((t) => t.token).join("")), keyOf);
    const weight = (t: string) => this.stats.weight(t);

    const { partWeight } = this.options;
    const prepared = prepareQuery(terms, keyOf);
    const probs = this.classifier?.probabilities(classifierFeatures(terms));
    const entries: EntryMatch[] = [];
    const bestPhrasing = new Map<string, number>();
    // The VOTERS best phrasing scores, as a stable sort of every score would order them.
    const voters = new TopScores(VOTERS);
    const { overlapAt, scoreAt, scoreText } = phrasingScorer({ prepared, bigrams: queryBigrams }, this.phrasings, this.postings, weight, this.options);
    for (const e of candidateEntries) {
      // The entry's best phrasing (the first of equals) and its overlap.
      let bestIndex = -1;
      let bestScore = 0;
      let bestOverlap = NO_OVERLAP;
      for (const pi of this.byEntry[e]!) {
        const o = overlapAt(pi);
        const score = scoreAt(pi, o);
        voters.offer(e, score);
        if (bestIndex < 0 || score > bestScore) {
          bestIndex = pi;
          bestScore = score;
          bestOverlap = o;
        }
      }
      if (bestIndex < 0) continue;
      const id = this.entries[e]!.id;
      bestPhrasing.set(id, bestIndex);
      const entryRecall = recall(prepared, this.entryTokens[e]!, partWeight);
      const answerRecall = recall(prepared, this.answerTokens[e]!, partWeight);
      const coverage = recall(prepared, this.allTokens[e]!, partWeight);
      const { recall: phrasingRecall, precision } = bestOverlap;
      const cosine = meaning ? Math.max(0, meaning.entryCosine(e)) : 0;
      const answerCosine = meaning ? Math.max(0, meaning.answerCosine(e)) : 0;
      const phrasing = this.phrasings[bestIndex]!.text;
      entries.push({
        id,
        posterior: 0,
        votes: 0,
        classifier: probs ? probs[e]! : 0,
        score: 0,
        phrasingScore: bestScore,
        entryRecall,
        answerRecall,
        coverage,
        recall: phrasingRecall,
        precision,
        phrasing,
        cosine,
        answerCosine,
      });
    }
    // The nearest out-of-scope example, scored like a phrasing: a decision feature, not a rank signal.
    const lookAlike = terms.length > 0 ? this.outOfScope.nearest(terms, scoreText) : undefined;
    // Nearest-neighbour vote: which entries own the best-scoring phrasings.
    const top = voters.entries();
    for (const m of entries) m.votes = top.filter((entry) => this.entries[entry]!.id === m.id).length / Math.max(top.length, 1);
    // The Bayes view compares the leaders only: rank without it, then re-score the leaders with it.
    const byScore = (a: EntryMatch, b: EntryMatch) => b.score - a.score || a.id.localeCompare(b.id);
    for (const m of entries) m.score = rankScore(m, rankWeights, probs !== undefined);
    entries.sort(byScore);
    const leaders = entries.slice(0, POSTERIOR_CANDIDATES);
    if (terms.length > 0 && leaders.length > 0) {
      const p = posteriors([...leaders.map((m) => this.classes[this.indexOf.get(m.id)!]!), this.background], evidenceOf(terms, this.stats), (t) => this.stats.has(t), this.vocabularySize);
      leaders.forEach((m, i) => (m.posterior = p[i]!));
    }
    for (const m of leaders) m.score = rankScore(m, rankWeights, probs !== undefined);
    entries.sort(byScore);
    const leadingIndex = entries[0] ? bestPhrasing.get(entries[0].id)! : -1;
    const leading = this.phrasings[leadingIndex];
    const leadingTerms = () => this.phrasingTerms?.[leadingIndex] ?? this.analyzer.analyze(leading!.text).terms;
    const differences = leading ? termDifferences(terms, { terms: leadingTerms(), tokens: leading.tokens }, this.stats) : { missingPeak: 0, extraPeak: 0 };
    const lexicalLeader = entries.reduce<EntryMatch | undefined>((b, m) => (!b || m.phrasingScore > b.phrasingScore ? m : b), undefined)?.id;
    const denseLeader = meaning && meaning.nearest[0] !== undefined ? this.entries[meaning.nearest[0]]!.id : undefined;

    let passages: PassageMatch[] | undefined;
    return {
      terms,
      unknownShare,
      uncoveredShare,
      uncoveredPeak,
      outOfScopeScore: lookAlike?.score ?? 0,
      ...(lookAlike && { outOfScopeExample: lookAlike.example }),
      outOfScopeCosine: meaning?.outOfScopeCosine ?? 0,
      ...differences,
      ...(denseLeader !== undefined && { denseLeader }),
      ...(lexicalLeader !== undefined && { lexicalLeader }),
      entries,
      passages: () => (passages ??= rankPassages(this.passages, prepared, terms, this.stats)),
    };
  }
}

/** How many of the question's nearest phrasings vote for their entry. */
const VOTERS = 5;

/** How many leading candidates get a naive-Bayes posterior. */
const POSTERIOR_CANDIDATES = 5;
