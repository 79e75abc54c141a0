/** Maps every word of a synonym group to the group's canonical (first) word. */
export class SynonymMap {
  private readonly canonical = new Map<string, string>();

  constructor(groups: readonly (readonly string[])[], keyOf: (word: string) => string = (w) => w) {
    for (const group of groups) {
      const head = group[0];
      if (head === undefined) continue;
      const canon = keyOf(head);
      for (const word of group) this.canonical.set(keyOf(word), canon);
    }
  }

  resolve(word: string): string {
    return this.canonical.get(word) ?? word;
  }

  has(word: string): boolean {
    return this.canonical.has(word);
  }

  /** Every word known to the map (keys), for the segmenter's dictionary. */
  words(): IterableIterator<string> {
    return this.canonical.keys();
  }
}
