import { buildEngine, type BuildOptions } from "../core/build-engine.js";
import type { AnswerEngine } from "../core/engine.js";
import { loadKnowledge } from "../knowledge/load.js";

/**
 * Loads the knowledge base (throws KnowledgeError listing every problem) and builds the engine
 * with its fitted model; a fit at load is reported on stderr in one line.
 */
export async function loadEngine(dir: string, options: Partial<BuildOptions> = {}): Promise<AnswerEngine> {
  const report = options.report ?? ((line: string) => process.stderr.write(`talentbot: ${line}\n`));
  return (await buildEngine(await loadKnowledge(dir), { ...options, report })).engine;
}
