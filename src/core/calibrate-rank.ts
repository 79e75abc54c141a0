import type { KnowledgeBase } from "../knowledge/types.js";
import type { SearchOptions } from "../search/index.js";
import { fitRankWeights, rankScore, RANK_FEATURE_NAMES, type RankingExample, type RankSignals, type RankWeights } from "../search/rank.js";
import { AnswerEngine } from "./engine.js";

/**
 * Self-supervised training data for the rank weights: the knowledge base's own alternates.
 * In each of `folds` rounds every k-th alternate is taken out of the entries, the engine is
 * built on the rest, and each held-out alternate is asked as a question whose right answer
 * is known. No evaluation set is involved, so the evaluation stays a test of unseen questions.
 */
export interface RankCalibration {
  weights: RankWeights;
  /** Held-out alternates whose entry was among the leading candidates (the ones that teach). */
  examples: number;
  /** Held-out alternates asked in all. */
  asked: number;
  /** Share of the examples ranked first with the weights in use before, and with the fitted ones. */
  top1Before: number;
  top1After: number;
}

export interface RankCalibrationOptions {
  folds: number;
  /** Candidates per question the fit compares. */
  candidates: number;
  /** Search options of the engines built for the folds (rank weights included: they order the candidates). */
  search: Partial<SearchOptions>;
}

export const DEFAULT_RANK_CALIBRATION: RankCalibrationOptions = { folds: 5, candidates: 10, search: {} };

export function rankingExamples(kb: KnowledgeBase, options: Partial<RankCalibrationOptions> = {}): { examples: RankingExample[]; asked: number } {
  const { folds, candidates, search } = { ...DEFAULT_RANK_CALIBRATION, ...options };
  const examples: RankingExample[] = [];
  let asked = 0;
  for (let fold = 0; fold < folds; fold++) {
    const heldOut: { question: string; id: string }[] = [];
    const faqs = kb.faqs.map((faq) => ({
      ...faq,
      alternates: faq.alternates.filter((question, i) => {
        if (i % folds !== fold) return true;
        heldOut.push({ question, id: faq.id });
        return false;
      }),
    }));
    const engine = new AnswerEngine({ ...kb, faqs }, { search });
    for (const { question, id } of heldOut) {
      asked++;
      const leaders = engine.search(question).entries.slice(0, candidates);
      const correct = leaders.findIndex((m) => m.id === id);
      if (correct >= 0 && leaders.length > 1) examples.push({ candidates: leaders.map(signalsOf), correct });
    }
  }
  return { examples, asked };
}

/** Just the signals, so the examples do not keep whole matches alive. */
const signalsOf = (m: RankSignals): RankSignals => Object.fromEntries(RANK_FEATURE_NAMES.map((n) => [n, m[n]])) as RankSignals;

function top1(examples: readonly RankingExample[], weights: RankWeights): number {
  const best = (c: readonly RankSignals[]) => c.reduce((b, s, i) => (rankScore(s, weights) > rankScore(c[b]!, weights) ? i : b), 0);
  return examples.filter((e) => best(e.candidates) === e.correct).length / Math.max(examples.length, 1);
}

/** Fits the rank weights on held-out alternates; `before` is the weighting to compare with. */
export function calibrateRank(kb: KnowledgeBase, before: RankWeights, options: Partial<RankCalibrationOptions> = {}): RankCalibration {
  const { examples, asked } = rankingExamples(kb, options);
  const weights = fitRankWeights(examples);
  return { weights, examples: examples.length, asked, top1Before: top1(examples, before), top1After: top1(examples, weights) };
}
