import type { QueryTerm } from "./score.js";
import { indexOfSorted } from "./token-set.js";

/**
 * A multinomial naive Bayes view of the knowledge base: each entry is a class (its phrasings,
 * plus its answer at a lower weight), and policy text that no entry cites forms a "background"
 * class. The posterior of the best entry against its rivals and the background is a
 * confidence signal that already contains the margin: a question about 人才公寓 shares 申请
 * with many entries but its 公寓 is only explained by the background.
 */
export interface BayesClass {
  /** Token → weighted count. */
  counts: { get(token: string): number | undefined };
  total: number;
}

/**
 * Weighted counts as two sorted arrays, searched by bisection: a class per entry, and a `Map`
 * per class would cost about 2 KB each (DESIGN.md, "Memory and time at scale"); the posterior reads five classes per question.
 */
class CountTable {
  /** The tokens' numbers, ascending. */
  private readonly numbers: Int32Array;
  private readonly values: Float64Array;

  constructor(
    counts: ReadonlyMap<string, number>,
    private readonly numbering: TokenNumbering,
  ) {
    const entries = [...counts].map(([t, v]) => [numbering.add(t), v] as const).sort((a, b) => a[0] - b[0]);
    this.numbers = Int32Array.from(entries, ([n]) => n);
    this.values = Float64Array.from(entries, ([, v]) => v);
  }

  get(token: string): number | undefined {
    const n = this.numbering.numberOf(token);
    const at = n === undefined ? -1 : indexOfSorted(this.numbers, 0, this.numbers.length, n);
    return at < 0 ? undefined : this.values[at];
  }
}

/** Numbers for tokens, shared by the classes of one index (token-set.ts's TokenArena is one). */
export interface TokenNumbering {
  numberOf(token: string): number | undefined;
  add(token: string): number;
}

export function bayesClass(weighted: Iterable<[tokens: readonly string[], weight: number]>, numbering: TokenNumbering): BayesClass {
  const counts = new Map<string, number>();
  let total = 0;
  for (const [tokens, weight] of weighted) {
    for (const t of tokens) {
      counts.set(t, (counts.get(t) ?? 0) + weight);
      total += weight;
    }
  }
  return { counts: new CountTable(counts, numbering), total };
}

/**
 * Posterior probabilities of `classes` (uniform prior) for the query terms, with additive
 * smoothing `alpha` over a vocabulary of `vocabularySize`. Terms no class knows carry no
 * evidence either way and are skipped. Pure.
 */
export function posteriors(classes: readonly BayesClass[], terms: readonly QueryTerm[], known: (t: string) => boolean, vocabularySize: number, alpha = 0.1): number[] {
  const seen = new Set<string>();
  const logs = classes.map(() => 0);
  for (const { token } of terms) {
    if (seen.has(token) || !known(token)) continue;
    seen.add(token);
    classes.forEach((c, i) => {
      logs[i]! += Math.log(((c.counts.get(token) ?? 0) + alpha) / (c.total + alpha * vocabularySize));
    });
  }
  const max = Math.max(...logs);
  const exp = logs.map((l) => Math.exp(l - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((e) => e / sum);
}

/** A question's terms as naive-Bayes evidence: an unknown compound speaks through its known parts. */
export function evidenceOf(terms: readonly QueryTerm[], stats: { has(token: string): boolean }): QueryTerm[] {
  return terms.flatMap((t) => (stats.has(t.token) ? [t] : (t.parts ?? []).map((token) => ({ token, weight: t.weight }))));
}
