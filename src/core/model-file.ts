import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { KnowledgeBase } from "../knowledge/types.js";
import { RANK_FEATURE_NAMES, type RankWeights } from "../search/rank.js";
import { isTreeModel } from "./boosted-trees.js";
import { FEATURE_NAMES, type AnswerModel, type LogisticModel } from "./decide.js";

/**
 * What the engine learned about one knowledge base, stored beside it as `model.json`: the rank
 * weights, the two decision models and their thresholds, and what they were fitted on. Nothing
 * fitted lives in `src/`. The file is stale when the knowledge content, the embedding model or
 * the engine's feature set changed since the fit; a stale or missing file is refitted at load.
 */
/** 2: the answer model may be gradient-boosted trees (`{"kind": "trees", …}`); 1 had logistic models only. */
export const MODEL_SCHEMA_VERSION = 2;
export const MODEL_FILE = "model.json";

export interface FitFigures {
  /** Questions the decision models were fitted on: in scope (an entry answers them) and not. */
  inScope: number;
  negatives: number;
  /** Outcomes on those questions with the chosen thresholds. */
  correct: number;
  wrong: number;
  suggestedInScope: number;
  negativesAnswered: number;
  negativesSuggested: number;
  /** Share of held-out questions whose entry ranked first, with the prior and with the fitted rank weights. */
  top1Before: number;
  top1After: number;
}

export interface FitSources {
  /** Alternates asked with their entry present (positives). */
  alternatesHeldOut: number;
  /** Phrasings asked with their whole entry held out (near misses: the right outcome is "not answered"). */
  entriesHeldOut: number;
  /** Out-of-scope examples asked with the example held out. */
  outOfScopeHeldOut: number;
  /** Made-up rewrites of questions that have no alternates (positives). */
  rewrites: number;
  /** Staff's labelled questions (`talentbot calibrate FILE`), if any. */
  labelled?: { file: string; questions: number };
}

export interface KnowledgeModel {
  schemaVersion: typeof MODEL_SCHEMA_VERSION;
  /** sha256 of the knowledge content the fit saw ({@link knowledgeHash}). */
  knowledgeHash: string;
  /** sha256 of the embedding model's weights. */
  embeddingModel: string;
  /** Feature names in the order of the weights. */
  features: { rank: string[]; decision: string[] };
  fittedAt: string;
  fittedOn: FitSources;
  rankWeights: RankWeights;
  decision: { answerModel: AnswerModel; answerThreshold: number; scopeModel: LogisticModel; suggestThreshold: number; minCosine?: number };
  figures: FitFigures;
}

/**
 * sha256 over what the fit depends on: entries, out-of-scope examples, policy text, synonyms, dictionary.
 * Not the eligibility rules (`eligibility/`): they do not affect answering, so editing them leaves model.json fresh.
 */
export function knowledgeHash(kb: KnowledgeBase): string {
  const content = {
    faqs: [...kb.faqs].sort((a, b) => a.id.localeCompare(b.id)).map((f) => [f.id, f.question, f.alternates, f.answer]),
    outOfScope: kb.outOfScope.map((g) => g.examples.map((x) => x.text)),
    policies: kb.policies.map((p) => [p.id, p.articles.map((a) => [a.key, a.title, a.text])]),
    synonyms: kb.synonyms,
    dictionary: kb.dictionary,
  };
  return createHash("sha256").update(JSON.stringify(content)).digest("hex");
}

export type ModelRead = { model: KnowledgeModel } | { model?: undefined; reason: string };

/** Reads `model.json` of a knowledge directory; says why when there is no usable one. */
export async function readModel(dir: string): Promise<ModelRead> {
  const file = join(dir, MODEL_FILE);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { reason: `${MODEL_FILE} is missing` };
    return { reason: `${MODEL_FILE} cannot be read (${(error as Error).message})` };
  }
  let data: Partial<KnowledgeModel>;
  try {
    data = JSON.parse(text) as Partial<KnowledgeModel>;
  } catch (error) {
    return { reason: `${MODEL_FILE} is not valid JSON (${(error as Error).message})` };
  }
  if (data.schemaVersion !== MODEL_SCHEMA_VERSION) return { reason: `${MODEL_FILE} has schemaVersion ${String(data.schemaVersion)}, expected ${MODEL_SCHEMA_VERSION}` };
  const okModel = (m: unknown) => typeof m === "object" && m !== null && Array.isArray((m as LogisticModel).weights) && typeof (m as LogisticModel).bias === "number";
  const d = data.decision;
  if (
    !data.rankWeights ||
    !d ||
    !(okModel(d.answerModel) || isTreeModel(d.answerModel, FEATURE_NAMES.length)) ||
    !okModel(d.scopeModel) ||
    typeof d.answerThreshold !== "number" ||
    typeof d.suggestThreshold !== "number" ||
    typeof data.knowledgeHash !== "string"
  ) {
    return { reason: `${MODEL_FILE} lacks rankWeights, decision models or knowledgeHash` };
  }
  return { model: data as KnowledgeModel };
}

/** Why a model no longer fits this knowledge base and embedding model, or undefined when it does. */
export function staleness(model: KnowledgeModel, kb: KnowledgeBase, embeddingModel: string): string | undefined {
  if (model.embeddingModel !== embeddingModel) return `${MODEL_FILE} was fitted with another embedding model`;
  if (model.features.rank.join() !== RANK_FEATURE_NAMES.join() || model.features.decision.join() !== FEATURE_NAMES.join()) return `${MODEL_FILE} was fitted by an engine with other features`;
  if (model.knowledgeHash !== knowledgeHash(kb)) return `the knowledge base changed since ${MODEL_FILE} was fitted (${model.fittedAt})`;
  return undefined;
}

/** Writes `model.json` atomically; returns an error message instead of throwing (a read-only folder only costs a refit). */
export async function writeModel(dir: string, model: KnowledgeModel): Promise<string | undefined> {
  const file = join(dir, MODEL_FILE);
  try {
    await mkdir(dir, { recursive: true });
    // A dot name: the knowledge watcher ignores it, so the write itself triggers no reload.
    const tmp = join(dir, `.${MODEL_FILE}.${process.pid}.tmp`);
    await writeFile(tmp, `${JSON.stringify(model, null, 2)}\n`);
    await rename(tmp, file);
    return undefined;
  } catch (error) {
    return `${file} not saved (${(error as Error).message}); the next start fits it again`;
  }
}
