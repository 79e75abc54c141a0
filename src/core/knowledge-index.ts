import type { KnowledgeBase } from "../knowledge/types.js";
import type { Analyzer } from "../search/analyzer.js";
import type { Embedder, QuantizedVector } from "../search/embedding.js";
import { SearchIndex, type SearchOptions } from "../search/index.js";
import { normalize } from "../search/normalize.js";

/** Passage ids in the search index are `doc#article`, the same form the web page links to. */
export const passageId = (doc: string, article: string) => `${doc}#${article}`;

/** The form of a text that is embedded, for knowledge and questions alike: normalised, without filler. */
export const embeddingText = (text: string) => normalize(text).core;

/** Short answers say enough in their first lines; the embedding model reads at most a few hundred tokens. */
const ANSWER_EMBEDDING_CHARS = 200;
export const answerEmbeddingText = (answer: string) => embeddingText(answer.slice(0, ANSWER_EMBEDDING_CHARS));

/** The meaning side of an engine: the query embedder and the knowledge texts' stored vectors. */
export interface EngineVectors {
  embedder: Embedder;
  /** The stored vector of an embedding text (every phrasing, non-empty answer and out-of-scope example has one). */
  vectorOf(text: string): QuantizedVector;
}

/** Texts of a knowledge base that get a stored vector (in embedding form). */
export function knowledgeTexts(kb: Pick<KnowledgeBase, "faqs" | "outOfScope">): string[] {
  const texts = new Set<string>();
  for (const f of kb.faqs) {
    for (const p of [f.question, ...f.alternates]) texts.add(embeddingText(p));
    if (f.answer.trim()) texts.add(answerEmbeddingText(f.answer));
  }
  for (const g of kb.outOfScope) for (const x of g.examples) texts.add(embeddingText(x.text));
  return [...texts];
}

/**
 * The index of a knowledge base with its stored vectors. A function of its own, not part of the
 * constructor: closures made there would keep `vectors` (the whole embedding cache) alive for
 * the engine's life, a second copy of every vector the index already holds.
 */
export function knowledgeIndex(kb: KnowledgeBase, vectors: EngineVectors, analyzer: Analyzer, options: Partial<SearchOptions>): SearchIndex {
  const cited = new Set(kb.faqs.flatMap((f) => (f.source?.article ? [passageId(f.source.doc, f.source.article)] : [])));
  return new SearchIndex(
    analyzer,
    kb.faqs.map((f) => {
      const phrasings = [f.question, ...f.alternates];
      return {
        id: f.id,
        phrasings,
        answer: f.answer,
        vectors: phrasings.map((p) => vectors.vectorOf(embeddingText(p))),
        ...(f.answer.trim() && { answerVector: vectors.vectorOf(answerEmbeddingText(f.answer)) }),
      };
    }),
    kb.policies.flatMap((p) => p.articles.map((a) => ({ id: passageId(p.id, a.key), title: a.title, text: a.text, uncovered: !cited.has(passageId(p.id, a.key)) }))),
    kb.outOfScope.flatMap((g) => g.examples.map((x) => ({ text: x.text, vector: vectors.vectorOf(embeddingText(x.text)) }))),
    options,
  );
}
