import { Index as FlexIndex } from "flexsearch";
import type { Analyzer } from "./analyzer.js";
import { charBigrams, dice, overlap, prepareQuery, recall, sumWeights, type DocTokens, type PreparedQuery, type QueryTerm } from "./score.js";
import { TermStats } from "./term-stats.js";
import { TypoResolver } from "./typo.js";
import { pinyinKey } from "./pinyin.js";
import { bayesClass, posteriors, type BayesClass } from "./bayes.js";
import type { Term } from "./analyzer.js";
import { DEFAULT_CLASSIFIER_OPTIONS, SoftmaxClassifier, type ClassifierOptions } from "./classifier.js";
import { OutOfScopeExamples, type ScoredText } from "./out-of-scope.js";
import { PRIOR_RANK_WEIGHTS, rankScore, type RankWeights } from "./rank.js";
import { topIndexes, VectorTable, type QuantizedVector } from "./embedding.js";

/** One answerable entry: an id, the ways people ask for it, and its answer text. */
export interface IndexEntry {
  id: string;
  phrasings: readonly string[];
  answer: string;
  /** Sentence vectors of the phrasings, in the same order (absent: lexical search only). */
  vectors?: readonly QuantizedVector[];
  /** Sentence vector of the answer. */
  answerVector?: QuantizedVector;
}

/** An out-of-scope example and, when embeddings are on, its vector. */
export interface OutOfScopeText {
  text: string;
  vector?: QuantizedVector;
}

/** A passage of reference text (a policy article) that can be quoted when no entry fits. */
export interface IndexPassage {
  id: string;
  /** The heading (人才公寓与租房补贴): a match there says the passage is about the question. */
  title: string;
  text: string;
  /** No entry is based on this passage: its words describe subjects the entries do not cover. */
  uncovered?: boolean;
}

export interface EntryMatch {
  id: string;
  /** Rank score in [0, 1]: the signals below, weighted by {@link SearchOptions.rankWeights}. */
  score: number;
  /** Score of the best single phrasing (token overlap and bigram similarity). */
  phrasingScore: number;
  /** Share of the question's weight found in any phrasing of the entry. */
  entryRecall: number;
  /** Share of the question's weight found in the answer. */
  answerRecall: number;
  /** Share of the question's weight found anywhere in the entry (phrasings or answer). */
  coverage: number;
  /** Naive-Bayes posterior of this entry against the other candidates and uncovered policy text. */
  posterior: number;
  /** Share of the question's nearest phrasings that belong to this entry. */
  votes: number;
  /** Softmax classifier probability of this entry (0 when the knowledge base is too large to train one). */
  classifier: number;
  /** Share of the question's weight the best phrasing explains. */
  recall: number;
  /** Share of the best phrasing's weight the question asks for. */
  precision: number;
  /** The phrasing that matched best. */
  phrasing: string;
  /** Cosine of the question with the entry's nearest phrasing (0 without embeddings). */
  cosine: number;
  /** Cosine of the question with the entry's answer (0 without embeddings). */
  answerCosine: number;
}

export interface PassageMatch {
  id: string;
  /** Share of the question's weight found in the passage (title and text). */
  recall: number;
  /** Share of the question's weight found in the passage's title. */
  titleRecall: number;
  /** Whether the passage contains the question's most specific word. */
  coversKeyTerm: boolean;
}

export interface SearchResult {
  terms: QueryTerm[];
  /** Share of the question's weight in words the knowledge base never uses (often an uncovered subject). */
  unknownShare: number;
  /**
   * Share of the question's weight in words no entry uses, in its phrasings or its answer
   * (unknown words and words only the policy text has: 租房, 配偶): a subject the FAQ does not cover.
   */
  uncoveredShare: number;
  /** The heaviest such word's weight, as a share of the question's heaviest word (0 when there is none). */
  uncoveredPeak: number;
  /** Score of the most similar out-of-scope example, scored like a phrasing (0 when none shares a word). */
  outOfScopeScore: number;
  /** That example, for the hit-test. */
  outOfScopeExample?: string;
  /** Cosine of the question with the nearest out-of-scope example (0 without embeddings or examples). */
  outOfScopeCosine: number;
  /** Heaviest word of the question the best entry's best phrasing lacks, and the reverse (shares of each side's heaviest word). */
  missingPeak: number;
  extraPeak: number;
  /** The entry whose phrasing is nearest in meaning, and the one whose phrasing shares most words (agreement is evidence). */
  denseLeader?: string;
  lexicalLeader?: string;
  entries: EntryMatch[];
  /** Policy passages holding part of the question, best first; computed on first call (only needed when no entry fits). */
  passages(): PassageMatch[];
}

/** Canonical question words of the sample's synonyms.txt (咋 → 怎么, 啥 → 什么, …). */
export const DEFAULT_QUESTION_WORDS: readonly string[] = ["怎么", "什么", "哪里", "哪些", "哪个", "多久", "什么时候", "多少", "能不能", "可以", "是否", "有没有", "吗", "如何", "为什么", "几"];

export interface SearchOptions {
  /** Phrasings and answers fetched from flexsearch before re-scoring (large knowledge bases only). Default 40. */
  candidates: number;
  /** Weight of the token overlap in a phrasing's score; the rest is character-bigram Dice. Default 0.6. */
  overlapWeight: number;
  /** F-beta of the token overlap; > 1 favours recall. Default 1.5. */
  beta: number;
  /**
   * Weight of each signal in an entry's rank score ({@link rankScore}). Default: fitted on the
   * sample's own alternates by `talentbot calibrate` ({@link fitRankWeights}).
   */
  rankWeights: RankWeights;
  /** Weight of a word the knowledge base never uses, as a share of the highest weight. Default 0.4. */
  unknownWeight: number;
  /** Weight of a lone Chinese character relative to a word. Default 0.5. */
  singleCharWeight: number;
  /** Question words, whose weight is capped (they tell intents apart, never subjects). Default {@link DEFAULT_QUESTION_WORDS}. */
  questionWords: readonly string[];
  /** Cap of a question word's weight, as a share of the highest weight. Default 0.3. */
  questionWordWeight: number;
  /** Weight of answer words relative to phrasing words in the Bayes view. Default 0.3. */
  bayesAnswerWeight: number;
  /**
   * Credit for a compound the entry lacks, per share of its characters found as parts: the
   * part that is missing usually carries the meaning (教师节 is not 教师). Default 0.5.
   */
  partWeight: number;
  /**
   * Up to this many entries, every entry with a phrasing or answer sharing a word with the
   * question is a candidate; above it, only the best hits for the most specific words. Default 300.
   */
  exhaustiveBelow: number;
  /** Training of the softmax classifier. Default {@link DEFAULT_CLASSIFIER_OPTIONS}. */
  classifier: ClassifierOptions;
  /** Entries nearest in meaning that join the lexical candidates, whatever words they share. Default 10. */
  denseCandidates: number;
}

/**
 * Generic defaults, not fitted to any knowledge base. The rank weights here are only a prior:
 * each knowledge base's own are fitted from its content and stored in its model.json.
 */
export const DEFAULT_SEARCH_OPTIONS: SearchOptions = {
  candidates: 40,
  overlapWeight: 0.6,
  beta: 1.5,
  rankWeights: PRIOR_RANK_WEIGHTS,
  unknownWeight: 0.4,
  singleCharWeight: 0.5,
  questionWords: DEFAULT_QUESTION_WORDS,
  questionWordWeight: 0.3,
  bayesAnswerWeight: 0.3,
  partWeight: 0.5,
  exhaustiveBelow: 300,
  classifier: DEFAULT_CLASSIFIER_OPTIONS,
  denseCandidates: 10,
};

interface Phrasing extends ScoredText {
  entry: number;
  terms: Term[];
  tokens: DocTokens;
  bigrams: Set<string>;
}

/** Classifier features: words, compound parts and character bigrams of the joined words. */
function classifierFeatures(terms: readonly { token: string; parts?: readonly string[] }[]): string[] {
  const words = terms.flatMap((t) => [t.token, ...(t.parts ?? [])]);
  return [...words, ...[...charBigrams(terms.map((t) => t.token).join(""))].map((b) => `b:${b}`)];
}

function docTokens(terms: readonly Term[]): DocTokens {
  const words = new Set(terms.map((t) => t.token));
  return { all: new Set([...words, ...terms.flatMap((t) => t.parts)]), words };
}

/**
 * flexsearch finds the candidate entries (it ranks, it does not score): every phrasing and
 * answer sharing a word with the question in a small knowledge base, the best hits for the
 * most specific words in a large one. Every candidate is then re-scored with
 * {@link weightedOverlap}, bigram {@link dice} and the naive-Bayes view. Policy passages are few,
 * so they are scored directly, and only when no entry fits.
 */
export class SearchIndex {
  private readonly entries: IndexEntry[];
  private readonly phrasings: Phrasing[] = [];
  private readonly byEntry: number[][] = [];
  private readonly entryTokens: DocTokens[] = [];
  private readonly answerTokens: DocTokens[] = [];
  private readonly allTokens: DocTokens[] = [];
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
  private readonly flex: FlexIndex;
  private readonly options: SearchOptions;
  /** Phrasing vectors in phrasing order, answer vectors by entry, out-of-scope vectors; absent without embeddings. */
  private readonly dense: { phrasings: VectorTable; answers: VectorTable | undefined; answerRow: Int32Array; outOfScope: VectorTable | undefined } | undefined;

  constructor(
    private readonly analyzer: Analyzer,
    entries: readonly IndexEntry[],
    passages: readonly IndexPassage[],
    outOfScope: readonly OutOfScopeText[] = [],
    options: Partial<SearchOptions> = {},
  ) {
    this.options = { ...DEFAULT_SEARCH_OPTIONS, ...options };
    this.entries = [...entries];
    const units: string[][] = [];
    this.entries.forEach((entry, e) => {
      const ids: number[] = [];
      const unit: Term[] = [];
      for (const text of entry.phrasings) {
        const a = analyzer.analyze(text);
        ids.push(this.phrasings.length);
        this.phrasings.push({ entry: e, text, terms: a.terms, tokens: docTokens(a.terms), bigrams: charBigrams(a.terms.map((t) => t.token).join("")) });
        unit.push(...a.terms);
      }
      this.byEntry.push(ids);
      this.entryTokens.push(docTokens(unit));
      const answer = analyzer.analyze(entry.answer).terms;
      this.answerTokens.push(docTokens(answer));
      this.allTokens.push(docTokens([...unit, ...answer]));
      const flat = (terms: Term[]) => terms.flatMap((t) => [t.token, ...t.parts]);
      this.classes.push(bayesClass([[flat(unit), 1], [flat(answer), this.options.bayesAnswerWeight]]));
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
      return { id: p.id, tokens: docTokens(a.terms), title: docTokens(analyzer.analyze(p.title).terms) };
    });
    this.outOfScope = new OutOfScopeExamples(
      outOfScope.map(({ text }) => {
        const terms = analyzer.analyze(text).terms;
        return { text, terms, tokens: docTokens(terms), bigrams: charBigrams(terms.map((t) => t.token).join("")) };
      }),
      new Set(this.options.questionWords),
    );
    this.background = bayesClass(uncovered.map((t) => [t, this.options.bayesAnswerWeight]));
    this.stats = new TermStats(units, this.options);
    const w = (t: string) => this.stats.weight(t);
    for (const d of [...this.phrasings.map((p) => p.tokens), ...this.outOfScope.examples.map((x) => x.tokens), ...this.entryTokens, ...this.answerTokens, ...this.allTokens, ...this.passages.flatMap((p) => [p.tokens, p.title])]) {
      d.wordWeight = sumWeights(d.words, w);
    }
    this.vocabularySize = [...this.stats.vocabulary()].length;
    this.entries.forEach((entry, e) => this.indexOf.set(entry.id, e));
    this.typos = new TypoResolver(this.stats);
    const background = this.entries.length; // the extra class: uncovered policy text
    this.classifier =
      this.entries.length <= this.options.exhaustiveBelow
        ? new SoftmaxClassifier(
            [
              ...this.phrasings.map((p) => ({ features: classifierFeatures(p.terms), label: p.entry })),
              ...backgroundSentences.map((terms) => ({ features: classifierFeatures(terms), label: background })),
              // Out-of-scope examples are the staff's own "none of the entries" questions.
              ...this.outOfScope.examples.map((x) => ({ features: classifierFeatures(x.terms), label: background })),
            ],
            this.entries.length + 1,
            this.options.classifier,
          )
        : undefined;
    // Tokens are ours (jieba + synonyms); flexsearch only splits on spaces. Pinyin keys let a
    // homophone typo that the resolver left alone still reach candidates.
    this.flex = new FlexIndex({ tokenize: "strict", resolution: 9, encode: (s: string) => s.split(" ").filter(Boolean) });
    this.phrasings.forEach((p, i) => this.flex.add(i, flexContent([...p.tokens.all])));
    // Answers are indexed after the phrasings, under ids offset by the phrasing count.
    this.answerTokens.forEach((tokens, e) => this.flex.add(this.phrasings.length + e, flexContent([...tokens.all])));
    this.dense = denseTables(this.entries, outOfScope);
  }

  /**
   * Scores the candidates for a question's core form; `query` is its sentence vector (embeddings
   * on); `rankWeights` replace the configured ones for this call (the fit compares weightings).
   */
  search(core: string, query?: Float32Array, rankWeights: RankWeights = this.options.rankWeights): SearchResult {
    const terms = this.typos.resolve(this.analyzer.terms(core, true));
    const meaning = query && this.dense ? this.meaning(query) : undefined;
    if (terms.length === 0 && !meaning) return { terms, unknownShare: 0, uncoveredShare: 0, uncoveredPeak: 0, outOfScopeScore: 0, outOfScopeCosine: 0, missingPeak: 0, extraPeak: 0, entries: [], passages: () => [] };
    const totalWeight = terms.reduce((n, t) => n + t.weight, 0) || 1;
    const unknownShare = terms.filter((t) => !this.stats.has(t.token)).reduce((n, t) => n + t.weight, 0) / totalWeight;
    // A compound counts as covered when an entry has one of its parts (partial credit elsewhere).
    const uncovered = terms.filter((t) => !this.entryVocabulary.has(t.token) && !(t.parts ?? []).some((p) => this.entryVocabulary.has(p)));
    const uncoveredShare = uncovered.reduce((n, t) => n + t.weight, 0) / totalWeight;
    const uncoveredPeak = terms.length === 0 ? 0 : uncovered.reduce((n, t) => Math.max(n, t.weight), 0) / Math.max(...terms.map((t) => t.weight));
    const candidateEntries = terms.length > 0 ? this.retrieve(terms) : new Set<number>();
    // Entries nearest in meaning are candidates whatever words they share: a paraphrase may share none.
    if (meaning) for (const e of meaning.nearest) candidateEntries.add(e);
    const queryBigrams = charBigrams(terms.map((t) => t.token).join(""));
    const weight = (t: string) => this.stats.weight(t);

    const { overlapWeight, beta, partWeight } = this.options;
    const prepared = prepareQuery(terms);
    const probs = this.classifier?.probabilities(classifierFeatures(terms));
    const entries: EntryMatch[] = [];
    const bestPhrasing = new Map<string, number>();
    const phrasingScores: { entry: number; score: number }[] = [];
    /** A phrasing's score: weighted token overlap (F-beta) mixed with character-bigram Dice. */
    const scoreText = (x: ScoredText, o = overlap(prepared, x.tokens, weight, beta, partWeight)) => overlapWeight * o.f + (1 - overlapWeight) * dice(queryBigrams, x.bigrams);
    for (const e of candidateEntries) {
      let best: { score: number; recall: number; precision: number; phrasing: string; index: number } | undefined;
      for (const pi of this.byEntry[e]!) {
        const p = this.phrasings[pi]!;
        const o = overlap(prepared, p.tokens, weight, beta, partWeight);
        const score = scoreText(p, o);
        phrasingScores.push({ entry: e, score });
        if (!best || score > best.score) best = { score, recall: o.recall, precision: o.precision, phrasing: p.text, index: pi };
      }
      if (!best) continue;
      const entryRecall = recall(prepared, this.entryTokens[e]!, partWeight);
      const answerRecall = recall(prepared, this.answerTokens[e]!, partWeight);
      const coverage = recall(prepared, this.allTokens[e]!, partWeight);
      const cosine = meaning ? Math.max(0, meaning.entryCosine[e]!) : 0;
      const answerCosine = meaning ? Math.max(0, meaning.answerCosine(e)) : 0;
      bestPhrasing.set(this.entries[e]!.id, best.index);
      entries.push({ id: this.entries[e]!.id, posterior: 0, votes: 0, classifier: probs ? probs[e]! : 0, score: 0, phrasingScore: best.score, entryRecall, answerRecall, coverage, recall: best.recall, precision: best.precision, phrasing: best.phrasing, cosine, answerCosine });
    }
    // The nearest out-of-scope example, scored like a phrasing: a decision feature, not a rank signal.
    const lookAlike = terms.length > 0 ? this.outOfScope.nearest(terms, (x) => scoreText(x)) : undefined;
    // Nearest-neighbour vote: which entries own the best-scoring phrasings.
    const top = phrasingScores.sort((a, b) => b.score - a.score).slice(0, VOTERS);
    for (const m of entries) m.votes = top.filter((v) => this.entries[v.entry]!.id === m.id).length / Math.max(top.length, 1);
    // The Bayes view compares the leaders only: rank without it, then re-score the leaders with it.
    const byScore = (a: EntryMatch, b: EntryMatch) => b.score - a.score || a.id.localeCompare(b.id);
    for (const m of entries) m.score = rankScore(m, rankWeights, probs !== undefined);
    entries.sort(byScore);
    const leaders = entries.slice(0, POSTERIOR_CANDIDATES);
    if (terms.length > 0) this.addPosteriors(leaders, terms);
    for (const m of leaders) m.score = rankScore(m, rankWeights, probs !== undefined);
    entries.sort(byScore);
    const differences = entries[0] ? this.differences(terms, this.phrasings[bestPhrasing.get(entries[0].id)!]!) : { missingPeak: 0, extraPeak: 0 };
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
      passages: () => (passages ??= this.rankPassages(prepared, terms)),
    };
  }

  /**
   * The heaviest word the question has and the best phrasing lacks, and the reverse, each as a
   * share of the heaviest word on its side: a minimal pair (生效 / 失效, 原告 / 被告) differs in
   * one heavy word, while a paraphrase differs mostly in light ones (什么时候 / 何时).
   */
  private differences(terms: readonly QueryTerm[], phrasing: Phrasing): { missingPeak: number; extraPeak: number } {
    const asked = new Set(terms.flatMap((t) => [t.token, ...(t.parts ?? [])]));
    const has = (token: string, parts: readonly string[] | undefined, set: ReadonlySet<string>) => set.has(token) || (parts ?? []).some((p) => set.has(p));
    const top = Math.max(0, ...terms.map((t) => t.weight)) || 1;
    const missingPeak = terms.reduce((m, t) => (has(t.token, t.parts, phrasing.tokens.all) ? m : Math.max(m, t.weight)), 0) / top;
    const weights = phrasing.terms.map((t) => this.stats.weight(t.token));
    const topOwn = Math.max(0, ...weights) || 1;
    const extraPeak = phrasing.terms.reduce((m, t, i) => (has(t.token, t.parts, asked) ? m : Math.max(m, weights[i]!)), 0) / topOwn;
    return { missingPeak, extraPeak };
  }

  /** The meaning side of one question: cosines with every phrasing, answer and out-of-scope example. */
  private meaning(query: Float32Array) {
    const dense = this.dense!;
    const cosines = dense.phrasings.cosines(query);
    const entryCosine = new Float32Array(this.entries.length).fill(-1);
    this.phrasings.forEach((p, i) => {
      if (cosines[i]! > entryCosine[p.entry]!) entryCosine[p.entry] = cosines[i]!;
    });
    const answers = dense.answers?.cosines(query);
    const outOfScope = dense.outOfScope?.cosines(query);
    return {
      entryCosine,
      nearest: topIndexes(entryCosine, this.options.denseCandidates),
      answerCosine: (e: number) => (answers && dense.answerRow[e]! >= 0 ? answers[dense.answerRow[e]!]! : 0),
      outOfScopeCosine: outOfScope ? outOfScope.reduce((m, c) => Math.max(m, c), 0) : 0,
    };
  }

  private rankPassages(query: PreparedQuery, terms: readonly QueryTerm[]): PassageMatch[] {
    // A passage worth quoting must contain the question's most specific word.
    const key = this.keyTerm(terms);
    // Passages are ranked by how much of the question they hold, with their title counting
    // again: an overview article that mentions every subject should not beat the article about it.
    return this.passages
      .map((p) => ({
        id: p.id,
        recall: recall(query, p.tokens),
        titleRecall: recall(query, p.title),
        coversKeyTerm: key !== undefined && p.tokens.all.has(key),
      }))
      .filter((p) => p.recall > 0)
      .sort((a, b) => b.recall + b.titleRecall - (a.recall + a.titleRecall) || a.id.localeCompare(b.id));
  }

  /**
   * Candidate entries from flexsearch. In a large knowledge base only the most specific words
   * are sent: a word most entries share (人才, 怎么) has a posting list as long as the index and
   * finds nothing the specific ones would not. Homophone keys ride along for typos the resolver
   * left alone.
   */
  private retrieve(terms: readonly QueryTerm[]): Set<number> {
    const words = [...new Set(terms.flatMap((t) => [t.token, ...(t.parts ?? [])]))].sort((a, b) => this.stats.weight(b) - this.stats.weight(a));
    const documents = this.phrasings.length + this.answerTokens.length;
    if (this.entries.length <= this.options.exhaustiveBelow) {
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

  /** The most specific word of the question that the knowledge base knows (unknown words prove nothing). */
  private keyTerm(terms: readonly QueryTerm[]): string | undefined {
    let key: QueryTerm | undefined;
    for (const t of terms) if (this.stats.has(t.token) && (!key || t.weight > key.weight)) key = t;
    return key?.token;
  }

  /** flexsearch ids → entry indexes: phrasings first, then answers offset by the phrasing count. */
  private entryIds(hits: readonly number[]): Set<number> {
    return new Set(hits.map((h) => (h < this.phrasings.length ? this.phrasings[h]!.entry : h - this.phrasings.length)));
  }

  /** Naive-Bayes posteriors of the leading candidates against each other and the background. */
  private addPosteriors(top: EntryMatch[], terms: readonly QueryTerm[]): void {
    if (top.length === 0) return;
    const classes = top.map((m) => this.classes[this.indexOf.get(m.id)!]!);
    // An unknown compound speaks through its known parts.
    const evidence = terms.flatMap((t) => (this.stats.has(t.token) ? [t] : (t.parts ?? []).map((token) => ({ token, weight: t.weight }))));
    const p = posteriors([...classes, this.background], evidence, (t) => this.stats.has(t), this.vocabularySize);
    top.forEach((m, i) => (m.posterior = p[i]!));
  }
}

/** How many of the question's nearest phrasings vote for their entry. */
const VOTERS = 5;

/** How many leading candidates get a naive-Bayes posterior. */
const POSTERIOR_CANDIDATES = 5;

/** How many of the question's words are used to fetch candidates from flexsearch. */
const MAX_RETRIEVAL_TERMS = 4;
/** A word in more than this share of the units is too common to fetch candidates with. */
const COMMON_SHARE = 0.02;

/** Vector tables of the entries and examples, or undefined when any phrasing lacks a vector (embeddings off). */
function denseTables(entries: readonly IndexEntry[], outOfScope: readonly OutOfScopeText[]) {
  const phrasingVectors = entries.flatMap((e) => (e.vectors && e.vectors.length === e.phrasings.length ? [...e.vectors] : [undefined]));
  if (phrasingVectors.length === 0 || phrasingVectors.some((v) => v === undefined)) return undefined;
  const dimensions = phrasingVectors[0]!.codes.length;
  const answerRow = new Int32Array(entries.length).fill(-1);
  const answers: QuantizedVector[] = [];
  entries.forEach((e, i) => {
    if (e.answerVector) answerRow[i] = answers.push(e.answerVector) - 1;
  });
  const examples = outOfScope.flatMap((x) => (x.vector ? [x.vector] : []));
  return {
    phrasings: new VectorTable(phrasingVectors as QuantizedVector[], dimensions),
    answers: answers.length > 0 ? new VectorTable(answers, dimensions) : undefined,
    answerRow,
    outOfScope: examples.length > 0 ? new VectorTable(examples, dimensions) : undefined,
  };
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
