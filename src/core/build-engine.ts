import { join } from "node:path";
import type { KnowledgeBase } from "../knowledge/types.js";
import type { Embedder } from "../search/embedding.js";
import { EmbeddingCache } from "../search/embedding-cache.js";
import { defaultEmbedder } from "../search/onnx-embedder.js";
import { compactHeap } from "./compact-heap.js";
import { DEFAULT_DECISION } from "./decide.js";
import { AnswerEngine, type EngineOptions } from "./engine.js";
import { knowledgeTexts } from "./knowledge-index.js";
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
  /** Use this model as it is (no read, no fit): for benchmarks that time the engine, not the fit. */
  model?: KnowledgeModel;
  /**
   * What to do with a model.json that no longer matches the knowledge: "fit" now (default), or
   * "use" it as it is and say so in `BuiltEngine.stale` — the running bot answers at once with
   * it and refits in the background (a staff edit must not keep the new FAQ waiting).
   */
  whenStale: "fit" | "use";
  /** One line for each thing worth telling the operator (a fit at load, a cache not saved). */
  report: (line: string) => void;
  /**
   * Compact the heap once the engine is built ({@link compactHeap}). Default: for knowledge bases
   * of {@link COMPACT_FROM_ENTRIES} entries or more, where the build's leftovers are hundreds of MB;
   * below, they are a few MB and not worth the pause.
   */
  compactHeap?: boolean;
}

export const COMPACT_FROM_ENTRIES = 1_000;

const DEFAULTS: BuildOptions = { engine: {}, persist: true, fit: {}, report: () => {}, whenStale: "fit" };

export interface BuiltEngine {
  engine: AnswerEngine;
  model: KnowledgeModel;
  /** Whether the model was fitted now (missing, stale or asked for) rather than read. */
  fitted: boolean;
  /** Why the model in use no longer matches the knowledge (with `whenStale: "use"`), if it does not. */
  stale?: string;
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

  let model: KnowledgeModel | undefined = o.model;
  let fitted = false;
  let stale: string | undefined;
  if (!model && !o.refit) {
    const read = await readModel(kb.dir);
    const reason = read.model ? staleness(read.model, kb, embedder.id) : read.reason;
    // A model for other features or another embedding model cannot be used at all; one for older knowledge can, for a while.
    const usable = read.model && (!reason || (o.whenStale === "use" && reason.startsWith("the knowledge base changed")));
    if (read.model && usable) {
      model = read.model;
      stale = reason;
    } else o.report(`${reason}: fitting the answering model from the knowledge base's own phrasings`);
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
  if (o.compactHeap ?? kb.faqs.length >= COMPACT_FROM_ENTRIES) compactHeap();
  return { engine, model, fitted, ...(stale && { stale }) };
}
