import { topIndexes, VectorTable, type QuantizedVector } from "./embedding.js";
import type { IndexEntry, OutOfScopeText } from "./index-types.js";
import type { SearchOptions } from "./search-options.js";

/** Phrasing vectors in phrasing order, answer vectors by entry (`answerRow`, -1: none), out-of-scope vectors. */
export interface DenseTables {
  phrasings: VectorTable;
  /** Entry `e`'s phrasings are rows `entryStart[e]` … `entryStart[e + 1] - 1` (phrasings come in entry order). */
  entryStart: Int32Array;
  answers: VectorTable | undefined;
  answerRow: Int32Array;
  outOfScope: VectorTable | undefined;
  /** Whether the nearest are found through the sign-bit prefilter (a large table). */
  prefiltered: boolean;
}

/** The meaning side of one question. */
export interface Meaning {
  /** The cosine of entry `e` with its nearest phrasing (-1 for an entry without phrasings). */
  entryCosine: (e: number) => number;
  /** The entries nearest in meaning, nearest first. */
  nearest: number[];
  /** Cosine with entry `e`'s answer (0 without an answer vector). */
  answerCosine: (e: number) => number;
  /** Cosine with the nearest out-of-scope example (0 without examples). */
  outOfScopeCosine: number;
}

type DenseOptions = Pick<SearchOptions, "denseCandidates" | "densePrefilter">;

/** Vector tables of the entries and examples, or undefined when any phrasing lacks a vector (embeddings off). */
export function denseTables(entries: readonly IndexEntry[], outOfScope: readonly OutOfScopeText[], options: DenseOptions): DenseTables | undefined {
  const phrasingVectors = entries.flatMap((e) => (e.vectors && e.vectors.length === e.phrasings.length ? [...e.vectors] : [undefined]));
  if (phrasingVectors.length === 0 || phrasingVectors.some((v) => v === undefined)) return undefined;
  const dimensions = phrasingVectors[0]!.codes.length;
  const answerRow = new Int32Array(entries.length).fill(-1);
  const entryStart = new Int32Array(entries.length + 1);
  const answers: QuantizedVector[] = [];
  entries.forEach((e, i) => {
    entryStart[i + 1] = entryStart[i]! + e.phrasings.length;
    if (e.answerVector) answerRow[i] = answers.push(e.answerVector) - 1;
  });
  const examples = outOfScope.flatMap((x) => (x.vector ? [x.vector] : []));
  const prefiltered = phrasingVectors.length >= options.densePrefilter.from;
  return {
    phrasings: new VectorTable(phrasingVectors as QuantizedVector[], dimensions, { signBits: prefiltered }),
    entryStart,
    answers: answers.length > 0 ? new VectorTable(answers, dimensions) : undefined,
    answerRow,
    outOfScope: examples.length > 0 ? new VectorTable(examples, dimensions) : undefined,
    prefiltered,
  };
}

/**
 * Cosines of one question with the phrasings, answers and out-of-scope examples. A small table
 * is scored whole; a large one through the sign-bit prefilter, which may miss an entry among
 * the nearest but never changes a cosine. Answer cosines, and in a large table entry cosines,
 * are computed when asked for: only candidates need them.
 */
export function meaningOf(dense: DenseTables, query: Float32Array, phrasingEntry: readonly number[], entryCount: number, options: DenseOptions): Meaning {
  const answers = dense.answers?.query(query);
  const outOfScope = dense.outOfScope?.cosines(query);
  const answerCosine = (e: number) => (answers && dense.answerRow[e]! >= 0 ? answers.cosine(dense.answerRow[e]!) : 0);
  const outOfScopeCosine = outOfScope ? maxOf(outOfScope) : 0;
  if (!dense.prefiltered) {
    const cosines = dense.phrasings.cosines(query);
    const entryCosine = new Float32Array(entryCount).fill(-1);
    for (let i = 0; i < cosines.length; i++) {
      const entry = phrasingEntry[i]!;
      if (cosines[i]! > entryCosine[entry]!) entryCosine[entry] = cosines[i]!;
    }
    return { entryCosine: (e) => entryCosine[e]!, nearest: topIndexes(entryCosine, options.denseCandidates), answerCosine, outOfScopeCosine };
  }
  const phrasings = dense.phrasings.query(query);
  const known = new Map<number, number>();
  const entryCosine = (e: number) => {
    let c = known.get(e);
    if (c === undefined) known.set(e, (c = phrasings.maxCosine(dense.entryStart[e]!, dense.entryStart[e + 1]!)));
    return c;
  };
  const { keep, atLeast } = options.densePrefilter;
  const rows = phrasings.closest(Math.min(dense.phrasings.size, Math.max(atLeast, Math.ceil(keep * dense.phrasings.size))));
  const cosines = phrasings.cosinesAt(rows);
  // Each entry's best kept phrasing ranks it. Rows ascend and an entry's phrasings are adjacent, so
  // its rows come together, and the entries in index order (topIndexes breaks ties by position).
  const near: number[] = [];
  const nearCosine: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const e = phrasingEntry[rows[i]!]!;
    const last = near.length - 1;
    if (near[last] === e) nearCosine[last] = Math.max(nearCosine[last]!, cosines[i]!);
    else {
      near.push(e);
      nearCosine.push(cosines[i]!);
    }
  }
  // The leaders then get their exact cosine over all their phrasings.
  const nearest = topIndexes(Float32Array.from(nearCosine), options.denseCandidates)
    .map((i) => [near[i]!, entryCosine(near[i]!)] as const)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .map(([e]) => e);
  return { entryCosine, nearest, answerCosine, outOfScopeCosine };
}

function maxOf(values: Float32Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  return max;
}
