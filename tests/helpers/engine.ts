import { buildEngine, type BuildOptions } from "../../src/core/build-engine.js";
import type { AnswerEngine } from "../../src/core/engine.js";
import type { KnowledgeBase } from "../../src/knowledge/types.js";

/** The engine the bot would build for `kb`: shipped embedding model, model.json read or fitted (into the kb's folder). */
export async function engineFor(kb: KnowledgeBase, options: Partial<BuildOptions> = {}): Promise<AnswerEngine> {
  return (await buildEngine(kb, options)).engine;
}
