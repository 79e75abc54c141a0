/**
 * Pure scoring functions. Nothing here knows about FAQs or files: inputs are token lists and a
 * weight function, outputs are numbers in [0, 1].
 */

/** A query token with the weight it carries and, for a typo-corrected token, a discount. */
export interface QueryTerm {
  token: string;
  weight: number;
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

export function weightedOverlap(
  query: readonly QueryTerm[],
  doc: ReadonlySet<string>,
  weight: (token: string) => number,
  beta = 1.2,
): Overlap {
  let qTotal = 0;
  let matched = 0;
  const seen = new Set<string>();
  for (const { token, weight: w } of query) {
    if (seen.has(token)) continue;
    seen.add(token);
    qTotal += w;
    if (doc.has(token)) matched += w;
  }
  let dTotal = 0;
  let dMatched = 0;
  for (const t of doc) {
    const w = weight(t);
    dTotal += w;
    if (seen.has(t)) dMatched += w;
  }
  const recall = qTotal > 0 ? matched / qTotal : 0;
  const precision = dTotal > 0 ? dMatched / dTotal : 0;
  return { recall, precision, f: fBeta(recall, precision, beta) };
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
export function dice(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let common = 0;
  for (const x of a) if (b.has(x)) common++;
  return (2 * common) / (a.size + b.size);
}
