import type { FaqEntry, KnowledgeBase } from "../knowledge/types.js";
import { dequantize } from "../search/embedding.js";
import { fitRankWeights, PRIOR_RANK_WEIGHTS, RANK_FEATURE_NAMES, rankScore, type RankingExample, type RankSignals, type RankWeights } from "../search/rank.js";
import { calibrate, DEFAULT_TARGETS, type CalibrationSample, type CalibrationTargets } from "./calibrate.js";
import { answerBlocked, DEFAULT_DECISION, FEATURE_NAMES, features, outOfScopeLookAlike, PRIOR_DECISION } from "./decide.js";
import type { SearchResult } from "../search/index.js";
import { AnswerEngine, type EngineOptions } from "./engine.js";
import { embeddingText, type EngineVectors } from "./knowledge-index.js";
import { knowledgeHash, MODEL_SCHEMA_VERSION, type FitSources, type KnowledgeModel } from "./model-file.js";

/**
 * Fitting a knowledge base's own model (see DESIGN.md "The self-supervised fit"). The knowledge
 * base supplies its own questions with known right outcomes:
 * - positives: each alternate held out in turn and asked with its entry present;
 * - near misses: an entry's phrasings asked with the *whole entry* held out, where the right
 *   outcome is "not answered" — the case every bureau meets when a question has no FAQ yet;
 * - out-of-scope examples held out in turn (also "not answered");
 * - for entries with no alternates (a bare spreadsheet), made-up rewrites of the question
 *   (a word dropped, synonyms resolved) as positives;
 * - staff's labelled questions, when given (`talentbot calibrate FILE`).
 * Rank weights are fitted first (the decision features are read off the ranking), then the
 * two decision models and their thresholds. No evaluation set is needed or used.
 */
export interface FitOptions {
  /** Rounds of hold-out; each builds one engine per pass. Default 5. */
  folds: number;
  /** Candidates per question the rank fit compares. Default 10. */
  candidates: number;
  targets: CalibrationTargets;
  engine: Partial<EngineOptions>;
  /** Progress lines (one per stage). */
  report: (line: string) => void;
  /** At most this many alternates of one entry are asked (positives), and phrasings of a held-out entry (near misses). Default 10 and 6. */
  maxPositivesPerEntry: number;
  maxNearMissesPerEntry: number;
  /** At most this many out-of-scope examples are asked in all. Default 400. */
  maxOutOfScope: number;
  /** At most this many rewrites are made, one per entry without alternates. Default 1500. */
  maxRewrites: number;
  /** Hands the decision samples to an analysis script (the fit itself does not need it). */
  inspect?: (samples: readonly CalibrationSample[], kinds: readonly Probe["kind"][]) => void;
}

export const DEFAULT_FIT_OPTIONS: FitOptions = {
  folds: 5,
  candidates: 10,
  targets: DEFAULT_TARGETS,
  engine: {},
  report: () => {},
  maxPositivesPerEntry: 10,
  maxNearMissesPerEntry: 6,
  maxOutOfScope: 400,
  maxRewrites: 1500,
};

/** A staff-labelled question: `expect` is an entry id, `none` (must not be answered) or `smalltalk` (ignored here). */
export interface LabelledQuestion {
  q: string;
  expect: string;
}

/** Vectors for the fit: the knowledge texts' stored ones plus on-demand embedding for rewrites and labelled questions. */
export interface FitVectors extends EngineVectors {
  ensure(texts: readonly string[]): Promise<void>;
}

export interface Probe {
  question: string;
  /** The entry that answers it, or undefined for "must not be answered". */
  expect: string | undefined;
  kind: "alternate" | "near-miss" | "out-of-scope" | "rewrite" | "labelled";
}

interface Round {
  kb: KnowledgeBase;
  probes: Probe[];
}

/** The hold-out rounds: which entries, alternates and examples each round takes out, and what it asks. */
export function holdOutRounds(kb: KnowledgeBase, folds: number, limits: Pick<FitOptions, "maxPositivesPerEntry" | "maxNearMissesPerEntry" | "maxOutOfScope"> = DEFAULT_FIT_OPTIONS): Round[] {
  const rounds: Round[] = [];
  const n = Math.max(1, Math.min(folds, kb.faqs.length));
  // Holding whole entries out needs entries left to answer with.
  const holdEntries = kb.faqs.length >= 2;
  for (let fold = 0; fold < n; fold++) {
    const probes: Probe[] = [];
    const faqs: FaqEntry[] = [];
    kb.faqs.forEach((faq, e) => {
      if (holdEntries && e % n === fold) {
        for (const question of spread([faq.question, ...faq.alternates], limits.maxNearMissesPerEntry)) probes.push({ question, expect: undefined, kind: "near-miss" });
        return;
      }
      // Every alternate is held out in some round, but only up to the limit are asked.
      const asked = new Set(
        spread(
          faq.alternates.map((_, i) => i),
          limits.maxPositivesPerEntry,
        ),
      );
      const alternates = faq.alternates.filter((question, i) => {
        if ((i + e) % n !== fold) return true;
        if (asked.has(i)) probes.push({ question, expect: faq.id, kind: "alternate" });
        return false;
      });
      faqs.push({ ...faq, alternates });
    });
    let k = 0;
    const examples = kb.outOfScope.reduce((s, g) => s + g.examples.length, 0);
    const every = Math.max(1, Math.ceil(examples / limits.maxOutOfScope));
    const outOfScope = kb.outOfScope.map((g) => ({
      ...g,
      examples: g.examples.filter((x) => {
        if (k++ % n !== fold) return true;
        if ((k - 1) % every === 0) probes.push({ question: x.text, expect: undefined, kind: "out-of-scope" });
        return false;
      }),
    }));
    rounds.push({ kb: { ...kb, faqs, outOfScope }, probes });
  }
  return rounds;
}

/** At most `max` items, spread evenly over the list. */
function spread<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  return Array.from({ length: max }, (_, i) => items[Math.floor((i * items.length) / max)]!);
}

/**
 * Rewrites of a question for entries that have no alternates: the question in canonical words
 * (synonyms resolved) with one word dropped, and its first two thirds. Deterministic.
 */
export function rewrites(engine: AnswerEngine, question: string, seed: number): string[] {
  const words = engine.analyzer.words(embeddingText(question)).filter((w) => w.trim());
  if (words.length < 3) return [];
  const drop = 1 + (seed % (words.length - 1));
  const out = new Set([words.filter((_, i) => i !== drop).join(""), words.slice(0, Math.max(2, Math.ceil((2 * words.length) / 3))).join("")]);
  const key = embeddingText(question).replace(/\s+/g, "");
  return [...out].filter((r) => r && r !== key);
}

/** Just the signals, so the examples do not keep whole matches alive. */
const signalsOf = (m: RankSignals): RankSignals => Object.fromEntries(RANK_FEATURE_NAMES.map((n) => [n, m[n]])) as RankSignals;

function top1(examples: readonly RankingExample[], weights: RankWeights): number {
  const best = (c: readonly RankSignals[]) => c.reduce((b, s, i) => (rankScore(s, weights) > rankScore(c[b]!, weights) ? i : b), 0);
  return examples.filter((e) => best(e.candidates) === e.correct).length / Math.max(examples.length, 1);
}

export async function fitModel(kb: KnowledgeBase, vectors: FitVectors, labelled?: { file: string; rows: readonly LabelledQuestion[] }, options: Partial<FitOptions> = {}): Promise<KnowledgeModel> {
  const o = { ...DEFAULT_FIT_OPTIONS, ...options };
  const { folds, candidates, targets, engine: engineOptions, report } = o;
  const started = Date.now();
  const rounds = holdOutRounds(kb, folds, o);
  await new Promise((resolve) => setImmediate(resolve));
  const full = new AnswerEngine(kb, vectors, engineOptions);
  await new Promise((resolve) => setImmediate(resolve));

  // Probes asked of the whole knowledge base: rewrites of alternate-less entries, staff's labels.
  const fullProbes: Probe[] = [];
  // Rewrites stand in for real questions only where there are none: with staff's labels they are not needed.
  const labelledInScope = (labelled?.rows ?? []).some((r) => r.expect !== "none" && r.expect !== "smalltalk");
  const bare = labelledInScope ? [] : kb.faqs.filter((f) => f.alternates.length === 0);
  spread(bare, o.maxRewrites).forEach((f, e) => {
    const [r] = rewrites(full, f.question, e);
    if (r) fullProbes.push({ question: r, expect: f.id, kind: "rewrite" });
  });
  for (const row of labelled?.rows ?? []) if (row.expect !== "smalltalk") fullProbes.push({ question: row.q, expect: row.expect === "none" ? undefined : row.expect, kind: "labelled" });
  await vectors.ensure(fullProbes.map((p) => embeddingText(p.question)));
  const queryVector = (q: string) => dequantize(vectors.vectorOf(embeddingText(q)));

  /** Runs every probe against its round's engine (built with `rankWeights`), handing each result to `visit`. */
  // One engine per round, built once: both passes ask them, the second with the fitted weights.
  const engines: [AnswerEngine, readonly Probe[]][] = [];
  for (const round of rounds) {
    await new Promise((resolve) => setImmediate(resolve));
    engines.push([new AnswerEngine(round.kb, vectors, engineOptions), round.probes]);
  }
  engines.push([full, fullProbes]);
  // A running bot refits in the background: give its event loop a turn every few questions.
  const run = async (rankWeights: RankWeights, visit: (probe: Probe, result: SearchResult) => void) => {
    for (const [engine, list] of engines) {
      for (let i = 0; i < list.length; i++) {
        if (i % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
        const q = list[i]!.question;
        visit(list[i]!, engine.searchWith(q, queryVector(q), rankWeights));
      }
    }
  };

  // Too few questions to learn from (a handful of entries): no fit is better than a fit on noise.
  const probes = [...rounds.flatMap((r) => r.probes), ...fullProbes];
  const answerable = probes.filter((p) => p.expect !== undefined).length;
  if (answerable < MIN_SAMPLES || probes.length - answerable < MIN_SAMPLES) {
    report(
      `too few phrasings to fit a decision model (${answerable} answerable, ${probes.length - answerable} not; ${MIN_SAMPLES} of each needed): using the prior one — add alternates to the FAQ entries`,
    );
    return modelOf(
      kb,
      vectors,
      PRIOR_RANK_WEIGHTS,
      PRIOR_DECISION,
      { inScope: 0, negatives: 0, correct: 0, wrong: 0, suggestedInScope: 0, negativesAnswered: 0, negativesSuggested: 0, top1Before: 0, top1After: 0 },
      { alternatesHeldOut: 0, entriesHeldOut: 0, outOfScopeHeldOut: 0, rewrites: 0 },
    );
  }

  // Pass 1: rank weights from the questions whose right entry is known.
  const ranking: RankingExample[] = [];
  await run(PRIOR_RANK_WEIGHTS, (probe, result) => {
    // Rewrites share the entry's own words, so they would teach the ranking to trust words over meaning.
    if (!probe.expect || probe.kind === "rewrite") return;
    const leaders = result.entries.slice(0, candidates);
    const correct = leaders.findIndex((m) => m.id === probe.expect);
    if (correct >= 0 && leaders.length > 1) ranking.push({ candidates: leaders.map(signalsOf), correct });
  });
  let rankWeights = PRIOR_RANK_WEIGHTS;
  if (ranking.length >= 10) rankWeights = fitRankWeights(ranking);
  if (ranking.length < 10) report("rank: no alternates or labelled questions to fit rank weights on; the prior weights are kept");
  else report(`rank: ${ranking.length} questions with a known entry; first ${pct(top1(ranking, PRIOR_RANK_WEIGHTS))} with the prior weights, ${pct(top1(ranking, rankWeights))} fitted`);

  // Pass 2: decision features with the fitted ranking.
  const samples: CalibrationSample[] = [];
  const kinds: Probe["kind"][] = [];
  const counts: Record<Probe["kind"], number> = { alternate: 0, "near-miss": 0, "out-of-scope": 0, rewrite: 0, labelled: 0 };
  await run(rankWeights, (probe, result) => {
    counts[probe.kind]++;
    kinds.push(probe.kind);
    const best = result.entries[0];
    samples.push({
      x: features(result),
      inScope: probe.expect !== undefined,
      topCorrect: best !== undefined && best.id === probe.expect,
      answerable: !answerBlocked(result, DEFAULT_DECISION),
      suggestable: !outOfScopeLookAlike(result, DEFAULT_DECISION),
      kind: probe.kind === "near-miss" || probe.kind === "out-of-scope" ? probe.kind : "labelled",
      labelled: probe.kind === "labelled",
    });
  });
  o.inspect?.(samples, kinds);
  const fit = calibrate(samples, targets);
  const cosine = FEATURE_NAMES.indexOf("cosine");
  const rightCosines = samples
    .filter((s) => s.inScope && s.topCorrect)
    .map((s) => s.x[cosine]!)
    .sort((a, b) => a - b);
  const minCosine = rightCosines.length > 0 ? round3(rightCosines[Math.floor(MIN_COSINE_QUANTILE * rightCosines.length)]!) : 0;
  const decision = { ...fit.decision, minCosine };
  const figures = fit.figures;
  report(
    `decision: ${figures.inScope} questions in scope, ${figures.negatives} not; answered correctly ${figures.correct}, wrongly ${figures.wrong}; not-in-scope answered ${figures.negativesAnswered} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );

  const fittedOn: FitSources = {
    alternatesHeldOut: counts.alternate,
    entriesHeldOut: counts["near-miss"],
    outOfScopeHeldOut: counts["out-of-scope"],
    rewrites: counts.rewrite,
    ...(labelled && { labelled: { file: labelled.file, questions: counts.labelled } }),
  };
  return modelOf(kb, vectors, rankWeights, decision, { ...figures, top1Before: round3(top1(ranking, PRIOR_RANK_WEIGHTS)), top1After: round3(top1(ranking, rankWeights)) }, fittedOn);
}

function modelOf(kb: KnowledgeBase, vectors: FitVectors, rankWeights: RankWeights, decision: KnowledgeModel["decision"], figures: KnowledgeModel["figures"], fittedOn: FitSources): KnowledgeModel {
  return {
    schemaVersion: MODEL_SCHEMA_VERSION,
    knowledgeHash: knowledgeHash(kb),
    embeddingModel: vectors.embedder.id,
    features: { rank: [...RANK_FEATURE_NAMES], decision: [...FEATURE_NAMES] },
    fittedAt: new Date().toISOString(),
    fittedOn,
    rankWeights,
    decision,
    figures,
  };
}

/** Questions of each kind (answerable, not) a decision model needs to be fitted rather than assumed. */
const MIN_SAMPLES = 30;
const YIELD_EVERY = 10;
/** Share of right-ranked held-out questions whose cosine may fall below the floor (DecisionOptions.minCosine). */
const MIN_COSINE_QUANTILE = 0.02;

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const round3 = (x: number) => Math.round(x * 1000) / 1000;
