import { join } from "node:path";
import type { KnowledgeBase } from "../knowledge/types.js";
import type { Embedder } from "../search/embedding.js";
import { EmbeddingCache } from "../search/embedding-cache.js";
import { defaultEmbedder } from "../search/onnx-embedder.js";
import { DEFAULT_DECISION } from "./decide.js";
import { AnswerEngine, knowledgeTexts, type EngineOptions } from "./engine.js";
import { fitModel, type FitOptions, type FitVectors, type LabelledQuestion } from "./fit.js";
import { readModel, staleness, writeModel, type KnowledgeModel } from "./model-file.js";

/** Where a knowledge base's vectors are cached: a dot folder beside its files (the watcher ignores it). */
export const cacheFileOf = (dir: string) => join(dir, ".cache", "embeddings.bin");

export interface BuildOptions {
  engine: Partial<EngineOptions>;
  /** The sentence embedder. Default: the shipped bge-small-zh model. */
  embedder?: Embedder;
  /** Vector cache file; `null` keeps vectors in memory only. Default {@link cacheFileOf} the knowledge directory. */
  cacheFile?: string | null;
  /** Fit even when model.json is fresh, with these staff-labelled questions (`talentbot calibrate`). */
  refit?: { labelled?: { file: string; rows: readonly LabelledQuestion[] } };
  /**
   * Write what was learned beside the knowledge (a model fitted now to model.json, new vectors to
   * the cache). Default true; false for a knowledge base changed in memory, which must not
   * overwrite the files of the one it was loaded from.
   */
  persist: boolean;
  fit: Partial<FitOptions>;
  /** One line for each thing worth telling the operator (a fit at load, a cache not saved). */
  report: (line: string) => void;
}

const DEFAULTS: BuildOptions = { engine: {}, persist: true, fit: {}, report: () => {} };

export interface BuiltEngine {
  engine: AnswerEngine;
  model: KnowledgeModel;
  /** Whether the model was fitted now (missing, stale or asked for) rather than read. */
  fitted: boolean;
}

/**
 * The composition of one answering engine: vectors for every knowledge text (cached on disk),
 * the knowledge base's fitted model (read from model.json, or fitted now when missing or stale),
 * and the engine built with both.
 */
export async function buildEngine(kb: KnowledgeBase, options: Partial<BuildOptions> = {}): Promise<BuiltEngine> {
  const o = { ...DEFAULTS, ...options };
  const embedder = o.embedder ?? (await defaultEmbedder());
  const cache = await EmbeddingCache.open(o.cacheFile === undefined ? cacheFileOf(kb.dir) : (o.cacheFile ?? undefined), embedder);
  if (cache.stats.ignored) o.report(cache.stats.ignored);
  await cache.vectorsOf(knowledgeTexts(kb));
  const vectors: FitVectors = {
    embedder,
    vectorOf: (text) => {
      const v = cache.get(text);
      if (!v) throw new Error(`embedding: no vector for "${text}" (it was not prepared before building the engine)`);
      return v;
    },
    ensure: async (texts) => void (await cache.vectorsOf(texts)),
  };

  let model: KnowledgeModel | undefined;
  let fitted = false;
  if (!o.refit) {
    const read = await readModel(kb.dir);
    const reason = read.model ? staleness(read.model, kb, embedder.id) : read.reason;
    if (read.model && !reason) model = read.model;
    else o.report(`${reason}: fitting the answering model from the knowledge base's own phrasings`);
  }
  if (!model) {
    model = await fitModel(kb, vectors, o.refit?.labelled, { ...o.fit, engine: o.engine, report: o.fit.report ?? o.report });
    fitted = true;
    if (o.persist) {
      const problem = await writeModel(kb.dir, model);
      if (problem) o.report(problem);
    }
  }
  const saved = o.persist ? await cache.save() : undefined;
  if (saved) o.report(saved);
  const engine = new AnswerEngine(kb, vectors, {
    ...o.engine,
    model,
    // Options given explicitly (a test's, an operator's) win over the fitted ones.
    search: { rankWeights: model.rankWeights, ...o.engine.search },
    decision: { ...DEFAULT_DECISION, ...model.decision, ...o.engine.decision },
  });
  return { engine, model, fitted };
}
