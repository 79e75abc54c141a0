import { topIndexes, VectorTable, type QuantizedVector } from "./embedding.js";
import type { IndexEntry, OutOfScopeText } from "./index-types.js";

/** Phrasing vectors in phrasing order, answer vectors by entry (`answerRow`, -1: none), out-of-scope vectors. */
export interface DenseTables {
  phrasings: VectorTable;
  answers: VectorTable | undefined;
  answerRow: Int32Array;
  outOfScope: VectorTable | undefined;
}

/** The meaning side of one question. */
export interface Meaning {
  /** Per entry: the cosine with its nearest phrasing (-1 for an entry without phrasings). */
  entryCosine: Float32Array;
  /** The entries nearest in meaning, nearest first. */
  nearest: number[];
  /** Cosine with entry `e`'s answer (0 without an answer vector). */
  answerCosine: (e: number) => number;
  /** Cosine with the nearest out-of-scope example (0 without examples). */
  outOfScopeCosine: number;
}

/** Vector tables of the entries and examples, or undefined when any phrasing lacks a vector (embeddings off). */
export function denseTables(entries: readonly IndexEntry[], outOfScope: readonly OutOfScopeText[]): DenseTables | undefined {
  const phrasingVectors = entries.flatMap((e) => (e.vectors && e.vectors.length === e.phrasings.length ? [...e.vectors] : [undefined]));
  if (phrasingVectors.length === 0 || phrasingVectors.some((v) => v === undefined)) return undefined;
  const dimensions = phrasingVectors[0]!.codes.length;
  const answerRow = new Int32Array(entries.length).fill(-1);
  const answers: QuantizedVector[] = [];
  entries.forEach((e, i) => {
    if (e.answerVector) answerRow[i] = answers.push(e.answerVector) - 1;
  });
  const examples = outOfScope.flatMap((x) => (x.vector ? [x.vector] : []));
  return {
    phrasings: new VectorTable(phrasingVectors as QuantizedVector[], dimensions),
    answers: answers.length > 0 ? new VectorTable(answers, dimensions) : undefined,
    answerRow,
    outOfScope: examples.length > 0 ? new VectorTable(examples, dimensions) : undefined,
  };
}

/** Cosines of one question with every phrasing, answer and out-of-scope example; `phrasingEntry` is each phrasing's entry. */
export function meaningOf(dense: DenseTables, query: Float32Array, phrasingEntry: readonly number[], entryCount: number, denseCandidates: number): Meaning {
  const cosines = dense.phrasings.cosines(query);
  const entryCosine = new Float32Array(entryCount).fill(-1);
  for (let i = 0; i < cosines.length; i++) {
    const entry = phrasingEntry[i]!;
    if (cosines[i]! > entryCosine[entry]!) entryCosine[entry] = cosines[i]!;
  }
  const answers = dense.answers?.cosines(query);
  const outOfScope = dense.outOfScope?.cosines(query);
  return {
    entryCosine,
    nearest: topIndexes(entryCosine, denseCandidates),
    answerCosine: (e: number) => (answers && dense.answerRow[e]! >= 0 ? answers[dense.answerRow[e]!]! : 0),
    outOfScopeCosine: outOfScope ? maxOf(outOfScope) : 0,
  };
}

function maxOf(values: Float32Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  return max;
}
