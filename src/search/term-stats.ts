/**
 * Inverse document frequency over "units" (an FAQ's phrasings, an FAQ's answer, a policy
 * article). BM25's idf form, always positive. A word no unit contains gets `unknownWeight`
 * times the highest weight: it may name a subject the knowledge base does not cover (体检,
 * 驾照), or be everyday chat the knowledge base never needed (老家, 那边).
 */
/** How term weights are scaled; each defaults to "no scaling". */
export interface WeightOptions {
  /** Weight of a word no unit contains, as a share of the highest idf. Default 1. */
  unknownWeight?: number;
  /** Factor for a lone Chinese character. Default 1. */
  singleCharWeight?: number;
  /** Question words (怎么, 什么, 哪里 …): they tell intents apart but never name a subject. Default none. */
  questionWords?: Iterable<string>;
  /** Cap of a question word's weight, as a share of the highest idf. Default 1. */
  questionWordWeight?: number;
}

export class TermStats {
  private readonly df = new Map<string, number>();
  private readonly weights = new Map<string, number>();
  private readonly unknownWeight: number;
  private readonly singleCharWeight: number;
  private readonly questionWords: ReadonlySet<string>;
  private readonly questionWordWeight: number;
  readonly units: number;

  constructor(units: Iterable<Iterable<string>>, options: WeightOptions = {}) {
    this.unknownWeight = options.unknownWeight ?? 1;
    this.singleCharWeight = options.singleCharWeight ?? 1;
    this.questionWords = new Set(options.questionWords ?? []);
    this.questionWordWeight = options.questionWordWeight ?? 1;
    let n = 0;
    for (const unit of units) {
      n++;
      for (const t of new Set(unit)) this.df.set(t, (this.df.get(t) ?? 0) + 1);
    }
    this.units = n;
  }

  documentFrequency(term: string): number {
    return this.df.get(term) ?? 0;
  }

  has(term: string): boolean {
    return this.df.has(term);
  }

  idf(term: string): number {
    const df = this.df.get(term);
    if (df === undefined) return this.unknownWeight * Math.log(1 + (this.units + 0.5) / 0.5);
    return Math.log(1 + (this.units - df + 0.5) / (df + 0.5));
  }

  /**
   * The weight a term carries in overlap scores: its idf, scaled down for a lone Chinese
   * character, which is usually a function word or a verb of everyday chat (去, 报, 走, 讲).
   */
  weight(term: string): number {
    let w = this.weights.get(term);
    if (w === undefined) {
      w = this.idf(term);
      if (term.length === 1 && /\p{Script=Han}/u.test(term)) w *= this.singleCharWeight;
      // However rare a question word is in a small knowledge base, it weighs no more than a
      // share of the rarest word: otherwise 怎么申请 would outweigh the subject of the question.
      if (this.questionWords.has(term)) w = Math.min(w, this.questionWordWeight * this.maxIdf());
      // Known words are cached for good; unknown ones (any text a user types) are not kept.
      if (this.df.has(term)) this.weights.set(term, w);
    }
    return w;
  }

  /** The idf of a word no unit contains (the highest possible before scaling). */
  private maxIdf(): number {
    return Math.log(1 + (this.units + 0.5) / 0.5);
  }

  vocabulary(): IterableIterator<string> {
    return this.df.keys();
  }
}
