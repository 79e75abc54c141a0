import { AnswerEngine } from "../core/engine.js";
import { loadKnowledge } from "../knowledge/load.js";

/** Loads the knowledge base (throws KnowledgeError listing every problem) and builds the engine. */
export async function loadEngine(dir: string): Promise<AnswerEngine> {
  return new AnswerEngine(await loadKnowledge(dir));
}
