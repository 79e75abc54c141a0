/**
 * Inverse document frequency over "units" (an FAQ's phrasings, an FAQ's answer, a policy
 * article). BM25's idf form, always positive. A word no unit contains gets the highest weight:
 * an unknown word in a question usually names a subject the knowledge base does not cover.
 */
export class TermStats {
  private readonly df = new Map<string, number>();
  readonly units: number;

  constructor(units: Iterable<Iterable<string>>) {
    let n = 0;
    for (const unit of units) {
      n++;
      for (const t of new Set(unit)) this.df.set(t, (this.df.get(t) ?? 0) + 1);
    }
    this.units = n;
  }

  has(term: string): boolean {
    return this.df.has(term);
  }

  idf(term: string): number {
    const df = this.df.get(term) ?? 0;
    return Math.log(1 + (this.units - df + 0.5) / (df + 0.5));
  }

  vocabulary(): IterableIterator<string> {
    return this.df.keys();
  }
}
