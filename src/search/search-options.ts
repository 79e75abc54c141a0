import { DEFAULT_CLASSIFIER_OPTIONS, type ClassifierOptions } from "./classifier.js";
import { PRIOR_RANK_WEIGHTS, type RankWeights } from "./rank.js";

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
  /**
   * From this many phrasings on, the nearest in meaning are found in two steps: every phrasing
   * ranked by how many signs of its vector differ from the question's (an eighth of the bytes,
   * no multiplication), then the `keep` share of them with the fewest (and at least `atLeast`)
   * scored exactly. Below it, every phrasing is scored exactly. Default from 20,000 phrasings
   * (about 5,000 entries), keep 1 %, at least 1,000: at 10,000 entries it halves the dense time
   * and changes no decision on the bench's 2,000 questions.
   */
  densePrefilter: { from: number; keep: number; atLeast: number };
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
  densePrefilter: { from: 20_000, keep: 0.01, atLeast: 1_000 },
};
