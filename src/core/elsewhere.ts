import type { Analyzer } from "../search/analyzer.js";
import { jurisdictionsNamed } from "../search/place.js";

/**
 * The place a question asks about when the knowledge base's policies are another place's
 * (bot.yaml `jurisdiction`): 深圳的租房补贴 asked of 示例市's bot. Undefined when no jurisdiction
 * is set (a national FAQ set answers wherever the asker is), when the question names the
 * jurisdiction itself (示例市和深圳比), or when the place is one the knowledge base names.
 */
export function placeElsewhere(core: string, jurisdiction: string | undefined, analyzer: Analyzer, knows: (word: string) => boolean): string | undefined {
  if (!jurisdiction) return undefined;
  const home = jurisdiction.replace(/[省市县区]$/u, "") || jurisdiction;
  if (core.includes(home)) return undefined;
  return jurisdictionsNamed(analyzer.taggedWords(core), knows)[0];
}
