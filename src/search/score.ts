/**
 * Pure scoring functions. Nothing here knows about FAQs or files: inputs are token lists and a
 * weight function, outputs are numbers in [0, 1].
 */
import type { TokenLookup } from "./token-set.js";

/** A query word with the weight it carries (discounted for a typo-corrected word) and, for a compound, its parts. */
export interface QueryTerm {
  token: string;
  weight: number;
  parts?: readonly string[];
}

/** A document's tokens: `all` includes compound parts; `words` are the whole words (for precision). */
export interface DocTokens {
  all: TokenLookup;
  words: TokenLookup;
  /** Sum of the weights of `words`, computed once when the document is indexed. */
  wordWeight?: number;
}

/** Where each part sits in its compound, as a bit mask over the compound's characters. */
interface PartSpan {
  part: string;
  mask: number;
  /** The part's number in the documents' arena, when the query was prepared with one. */
  key?: number;
}

/** Part positions of a compound, computed once per question (compounds are short: ≤ 31 characters counted). */
function partSpans(token: string, parts: readonly string[] | undefined, keyOf: KeyOf | undefined): PartSpan[] {
  const spans: PartSpan[] = [];
  for (const part of parts ?? []) {
    const at = token.indexOf(part);
    if (at < 0) continue;
    const start = [...token.slice(0, at)].length;
    const length = [...part].length;
    if (start + length > 31) continue;
    spans.push({ part, mask: ((1 << length) - 1) << start, ...(keyOf && { key: keyOf(part) }) });
  }
  return spans;
}

export function bitCount(mask: number): number {
  let n = 0;
  for (let m = mask; m; m &= m - 1) n++;
  return n;
}

/** Share of a compound's characters covered by those of its parts that the document has. */
function partCredit(term: PreparedTerm, doc: TokenLookup): number {
  if (term.spans.length === 0) return 0;
  let covered = 0;
  for (const { part, mask, key } of term.spans) if (doc.has(part, key)) covered |= mask;
  return bitCount(covered) / term.chars;
}

export interface Overlap {
  /** Share of the query's weight found in the document: how much of the question is explained. */
  recall: number;
  /** Share of the document's weight found in the query: how much of the phrasing is asked for. */
  precision: number;
  /** Weighted harmonic mean of the two (F-beta). */
  f: number;
}

/** F-beta with beta > 1 favouring recall: an unexplained question word hurts more than extra words in a phrasing. */
export function fBeta(recall: number, precision: number, beta: number): number {
  if (recall <= 0 || precision <= 0) return 0;
  const b2 = beta * beta;
  return ((1 + b2) * recall * precision) / (b2 * precision + recall);
}

/**
 * Weighted overlap of a query with a document's tokens. A compound the document lacks earns
 * the share of its characters covered by the parts the document has (购房补贴 ~ 补贴).
 */
export function weightedOverlap(query: readonly QueryTerm[], doc: DocTokens, weight: (token: string) => number, beta = 1.2, partWeight = 1): Overlap {
  return overlap(prepareQuery(query), doc, weight, beta, partWeight);
}

interface PreparedTerm extends QueryTerm {
  spans: PartSpan[];
  chars: number;
  key?: number;
}

/** A token's number in the documents' arena (-1 for one no document has): see {@link TokenLookup.has}. */
export type KeyOf = (token: string) => number;

/** A question's terms made ready to be compared with many documents: deduplicated, with totals. */
export interface PreparedQuery {
  terms: readonly PreparedTerm[];
  /** Words and parts the question asks for, to find which of a document's words it covers. */
  asked: ReadonlySet<string>;
  total: number;
  /** The asked words with their weights, filled on first use (a question meets many documents, the weights stay). */
  askedWeights?: { token: string; weight: number; key: number | undefined }[];
  keyOf?: KeyOf;
}

/** `keyOf`: the documents' token numbers (all documents scored with this query must share that arena). */
export function prepareQuery(query: readonly QueryTerm[], keyOf?: KeyOf): PreparedQuery {
  const seen = new Set<string>();
  const terms: PreparedTerm[] = [];
  const asked = new Set<string>();
  let total = 0;
  for (const t of query) {
    if (seen.has(t.token)) continue;
    seen.add(t.token);
    terms.push({ ...t, spans: partSpans(t.token, t.parts, keyOf), chars: [...t.token].length, ...(keyOf && { key: keyOf(t.token) }) });
    asked.add(t.token);
    for (const p of t.parts ?? []) asked.add(p);
    total += t.weight;
  }
  return { terms, asked, total, ...(keyOf && { keyOf }) };
}

/** Share of the question's weight found in the document: the recall half of {@link overlap}, for when precision is not needed. */
export function recall(query: PreparedQuery, doc: Pick<DocTokens, "all">, partWeight = 1): number {
  return query.total > 0 ? foundWeight(query, doc, partWeight) / query.total : 0;
}

/** The weight of the question's terms the document holds, a compound it lacks earning its parts' share: recall's numerator. */
function foundWeight(query: PreparedQuery, doc: Pick<DocTokens, "all">, partWeight: number): number {
  let found = 0;
  for (const term of query.terms) {
    if (doc.all.has(term.token, term.key)) found += term.weight;
    else found += term.weight * partWeight * partCredit(term, doc.all);
  }
  return found;
}

/** The asked words with their weights and numbers, computed once per question (see {@link PreparedQuery.askedWeights}). */
export function askedWeights(query: PreparedQuery, weight: (token: string) => number): NonNullable<PreparedQuery["askedWeights"]> {
  return (query.askedWeights ??= [...query.asked].map((token) => ({ token, weight: weight(token), key: query.keyOf?.(token) })));
}

/**
 * The overlap from its sums: `found` of the question's `total` weight in the document, `asked` of the
 * document's `docTotal` in the question. One formula for {@link overlap} and for sums added elsewhere
 * (phrasing-postings.ts), so both give the same numbers.
 */
export function overlapOf(found: number, total: number, asked: number, docTotal: number, beta: number): Overlap {
  const r = total > 0 ? found / total : 0;
  const precision = docTotal > 0 ? asked / docTotal : 0;
  return { recall: r, precision, f: fBeta(r, precision, beta) };
}

/** {@link weightedOverlap} for a prepared question: the hot path, called once per candidate document. */
export function overlap(query: PreparedQuery, doc: DocTokens, weight: (token: string) => number, beta = 1.2, partWeight = 1): Overlap {
  const found = foundWeight(query, doc, partWeight);
  // The question is short and the document may be long: walk the question's side.
  let dMatched = 0;
  for (const a of askedWeights(query, weight)) if (doc.words.has(a.token, a.key)) dMatched += a.weight;
  return overlapOf(found, query.total, dMatched, doc.wordWeight ?? sumWeights(doc.words, weight), beta);
}

export function sumWeights(words: Iterable<string>, weight: (token: string) => number): number {
  let total = 0;
  for (const t of words) total += weight(t);
  return total;
}

/** Character bigrams of a string without spaces (a single character yields itself). */
export function charBigrams(text: string): Set<string> {
  const chars = [...text.replace(/\s+/g, "")];
  if (chars.length === 1) return new Set(chars);
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  return out;
}

/** Sørensen–Dice coefficient of two sets. */
export function dice(a: TokenLookup, b: TokenLookup): number {
  if (a.size === 0 || b.size === 0) return 0;
  let common = 0;
  for (const x of a) if (b.has(x)) common++;
  return (2 * common) / (a.size + b.size);
}

/** A question's tokens with their numbers in the documents' arena, for {@link diceKeyed}. */
export interface KeyedTokens {
  tokens: readonly string[];
  keys: readonly number[];
}

export function keyedTokens(tokens: Iterable<string>, keyOf: KeyOf): KeyedTokens {
  const list = [...tokens];
  return { tokens: list, keys: list.map(keyOf) };
}

/** {@link dice} of a keyed question side (distinct tokens) with a document's set: the same number, one lookup per token per question. */
export function diceKeyed(a: KeyedTokens, b: TokenLookup): number {
  if (a.tokens.length === 0 || b.size === 0) return 0;
  let common = 0;
  for (let i = 0; i < a.tokens.length; i++) if (b.has(a.tokens[i]!, a.keys[i])) common++;
  return diceOf(common, a.tokens.length, b.size);
}

/** Dice from the count of shared tokens and the two sizes (0 when either set is empty). */
export function diceOf(common: number, sizeA: number, sizeB: number): number {
  return sizeA === 0 || sizeB === 0 ? 0 : (2 * common) / (sizeA + sizeB);
}
