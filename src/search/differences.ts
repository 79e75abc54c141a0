import type { Term } from "./analyzer.js";
import type { PassageMatch } from "./index-types.js";
import { recall, type DocTokens, type PreparedQuery, type QueryTerm } from "./score.js";
import type { TermStats } from "./term-stats.js";
import type { TokenLookup } from "./token-set.js";

/**
 * The heaviest word the question has and the best phrasing lacks, and the reverse, each as a
 * share of the heaviest word on its side: a minimal pair (生效 / 失效, 原告 / 被告) differs in
 * one heavy word, while a paraphrase differs mostly in light ones (什么时候 / 何时). Pure.
 */
export function termDifferences(terms: readonly QueryTerm[], phrasing: { terms: readonly Term[]; tokens: DocTokens }, stats: TermStats): { missingPeak: number; extraPeak: number } {
  const asked = new Set(terms.flatMap((t) => [t.token, ...(t.parts ?? [])]));
  const has = (token: string, parts: readonly string[] | undefined, set: TokenLookup) => set.has(token) || (parts ?? []).some((p) => set.has(p));
  const top = Math.max(0, ...terms.map((t) => t.weight)) || 1;
  const missingPeak = terms.reduce((m, t) => (has(t.token, t.parts, phrasing.tokens.all) ? m : Math.max(m, t.weight)), 0) / top;
  const weights = phrasing.terms.map((t) => stats.weight(t.token));
  const topOwn = Math.max(0, ...weights) || 1;
  const extraPeak = phrasing.terms.reduce((m, t, i) => (has(t.token, t.parts, asked) ? m : Math.max(m, weights[i]!)), 0) / topOwn;
  return { missingPeak, extraPeak };
}

/**
 * How much of the question the knowledge base does not know: the weight share of words no unit
 * has (`unknownShare`), of words no entry has (`uncoveredShare`; a compound with a part an entry
 * has counts as covered, partial credit elsewhere) and the heaviest such word against the
 * heaviest word (`uncoveredPeak`). Pure.
 */
export function unknownWords(terms: readonly QueryTerm[], stats: TermStats, entryVocabulary: ReadonlySet<string>): { unknownShare: number; uncoveredShare: number; uncoveredPeak: number } {
  const totalWeight = terms.reduce((n, t) => n + t.weight, 0) || 1;
  const unknownShare = terms.filter((t) => !stats.has(t.token)).reduce((n, t) => n + t.weight, 0) / totalWeight;
  const uncovered = terms.filter((t) => !entryVocabulary.has(t.token) && !(t.parts ?? []).some((p) => entryVocabulary.has(p)));
  const uncoveredShare = uncovered.reduce((n, t) => n + t.weight, 0) / totalWeight;
  const uncoveredPeak = terms.length === 0 ? 0 : uncovered.reduce((n, t) => Math.max(n, t.weight), 0) / Math.max(...terms.map((t) => t.weight));
  return { unknownShare, uncoveredShare, uncoveredPeak };
}

/**
 * Policy passages holding any of the question, best first: by how much of the question they
 * hold, with their title counting again (an overview article that mentions every subject should
 * not beat the article about it). A passage worth quoting must contain the question's most
 * specific word (`coversKeyTerm`). Pure.
 */
export function rankPassages(passages: readonly { id: string; tokens: DocTokens; title: DocTokens }[], query: PreparedQuery, terms: readonly QueryTerm[], stats: TermStats): PassageMatch[] {
  const key = keyTerm(terms, stats);
  return passages
    .map((p) => ({
      id: p.id,
      recall: recall(query, p.tokens),
      titleRecall: recall(query, p.title),
      coversKeyTerm: key !== undefined && p.tokens.all.has(key),
    }))
    .filter((p) => p.recall > 0)
    .sort((a, b) => b.recall + b.titleRecall - (a.recall + a.titleRecall) || a.id.localeCompare(b.id));
}

/** The most specific word of the question that the knowledge base knows (unknown words prove nothing). */
function keyTerm(terms: readonly QueryTerm[], stats: TermStats): string | undefined {
  let key: QueryTerm | undefined;
  for (const t of terms) if (stats.has(t.token) && (!key || t.weight > key.weight)) key = t;
  return key?.token;
}
