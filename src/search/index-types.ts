import type { QuantizedVector } from "./embedding.js";
import type { QueryTerm } from "./score.js";

// What a SearchIndex is built from (entries, passages, out-of-scope examples) and what a search returns.

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
