import type { Analyzer } from "../search/analyzer.js";
import { jurisdictionsNamed } from "../search/place.js";

/**
 * The place a question asks about when the knowledge base's policies are another place's
 * (bot.yaml `jurisdiction`): 深圳的租房补贴 asked of 示例市's bot. Undefined when no jurisdiction
 * is set (a national FAQ set answers wherever the asker is), when the question names the
 * jurisdiction itself (示例市和深圳比), or when the place is one the entry it would be answered
 * with speaks of (a recruitment tour's 杭州 stop) or its synonym lists hold: `mentions(word)` says. Named
 * elsewhere in the knowledge base is not enough: 杭州的人才子女入学政策 is still another place's.
 */
export function placeElsewhere(core: string, jurisdiction: string | undefined, analyzer: Analyzer, mentions: (word: string) => boolean): string | undefined {
  if (!jurisdiction) return undefined;
  const home = jurisdiction.replace(/[省市县区]$/u, "") || jurisdiction;
  if (core.includes(home)) return undefined;
  return jurisdictionsNamed(analyzer.taggedWords(core), mentions)[0];
}
