import type { FaqEntry, KnowledgeBase, PolicyDoc } from "../knowledge/types.js";
import { maskPersonalData } from "../log/mask.js";
import { Analyzer } from "../search/analyzer.js";
import type { Embedder } from "../search/embedding.js";
import { DEFAULT_QUESTION_WORDS, type EntryMatch, type SearchIndex, type SearchOptions, type SearchResult } from "../search/index.js";
import { normalize, type NormalizedText } from "../search/normalize.js";
import type { RankWeights } from "../search/rank.js";
import type { Answer, AnswerBase, Excerpt, Suggestion } from "./answer.js";
import { DEFAULT_DECISION, decide, suggestionChoices, type DecisionOptions } from "./decide.js";
import { placeElsewhere } from "./elsewhere.js";
import { asksOwnRecord } from "./own-record.js";
import { embeddingText, knowledgeIndex, type EngineVectors } from "./knowledge-index.js";
import type { KnowledgeModel } from "./model-file.js";
import * as text from "./reply-text.js";
import { SmalltalkMatcher, type SmalltalkMatch } from "./smalltalk.js";

export interface EngineOptions {
  /** Longer questions get a request to shorten. Default 500 characters. */
  maxQuestionChars: number;
  /** Small talk at or above this similarity wins before any FAQ search. Default 0.75. */
  smalltalkSure: number;
  /** Small talk at or above this similarity wins when no FAQ is confident, unless the message asks (a question word) and its example does not. Default 0.5. */
  smalltalkMaybe: number;
  decision: DecisionOptions;
  search: Partial<SearchOptions>;
  /** The fitted model the decision and rank weights came from (shown by the hit-test and console). */
  model?: KnowledgeModel;
  /** Whether a question (its core form) asks about the asker's own record, which no FAQ answers. Default {@link asksOwnRecord}. */
  ownRecord: (core: string) => boolean;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  maxQuestionChars: text.MAX_QUESTION_CHARS,
  smalltalkSure: 0.75,
  smalltalkMaybe: 0.5,
  decision: DEFAULT_DECISION,
  search: {},
  ownRecord: asksOwnRecord,
};

/**
 * Questions with no Chinese and fewer than two Latin words of two letters or more
 * (`' OR 1=1; --`, `ok`, `HPV`), or nothing but interjections (嗯嗯, 哦, 呃…), carry too
 * little to answer, or even to suggest from.
 */
export function tooLittleToAnswer(clean: string): boolean {
  if (ONLY_INTERJECTIONS.test(clean)) return true;
  if (/\p{Script=Han}/u.test(clean)) return false;
  return (clean.match(/\p{Script=Latin}{2,}/gu) ?? []).length < 2;
}

const ONLY_INTERJECTIONS = /^[\s嗯哦噢喔啊呃额唔哈呀啦嘛哎诶哇欸]+$/u;

/** Answers one question from one knowledge base. Pure with respect to the outside world: no logging, no I/O. */
export class AnswerEngine {
  readonly options: EngineOptions;
  private readonly index: SearchIndex;
  private readonly smalltalk: SmalltalkMatcher;
  private readonly questionWords: ReadonlySet<string>;
  private readonly embedder: Embedder;
  private readonly recentVectors = new Map<string, Promise<Float32Array>>();
  private readonly faqs: Map<string, FaqEntry>;
  private readonly policies: Map<string, PolicyDoc>;
  readonly analyzer: Analyzer;

  constructor(
    readonly kb: KnowledgeBase,
    vectors: EngineVectors,
    options: Partial<EngineOptions> = {},
  ) {
    this.options = { ...DEFAULT_ENGINE_OPTIONS, ...options, decision: { ...DEFAULT_DECISION, ...options.decision } };
    // Only the embedder is kept: the stored vectors live on in the index's tables, not twice.
    this.embedder = vectors.embedder;
    this.analyzer = new Analyzer({ dictionary: kb.dictionary, synonyms: kb.synonyms });
    this.faqs = new Map(kb.faqs.map((f) => [f.id, f]));
    this.policies = new Map(kb.policies.map((p) => [p.id, p]));
    this.index = knowledgeIndex(kb, vectors, this.analyzer, this.options.search);
    this.smalltalk = new SmalltalkMatcher(kb.smalltalk, (clean) => this.analyzer.words(clean));
    this.questionWords = new Set(this.options.search.questionWords ?? DEFAULT_QUESTION_WORDS);
  }

  faq(id: string): FaqEntry | undefined {
    return this.faqs.get(id);
  }

  /** The answer for `faqId` as if it had been matched (used when a user picks a suggestion). */
  answerFor(faqId: string, question = ""): Answer | undefined {
    const faq = this.faqs.get(faqId);
    if (!faq) return undefined;
    return {
      ...this.base(question),
      status: "answered",
      faqId,
      faq,
      score: 1,
      confidence: 1,
      sources: faq.source ? [faq.source] : [],
      ...this.citationOf(faq),
      text: text.answeredText(faq, this.policies),
    };
  }

  /** An answer demoted to "did you mean" (its best guesses as choices): for an answer the conversation makes doubtful. */
  asSuggestion(answer: Answer): Answer {
    const { faqId: _faqId, faq: _faq, smalltalkIntent: _intent, status: _status, citation: _citation, ...base } = answer;
    const suggestions = answer.suggestions.slice(0, this.options.decision.maxSuggestions);
    if (suggestions.length === 0) return { ...base, status: "unanswered", sources: [], text: text.unansweredText(this.kb.bot) };
    return { ...base, status: "suggested", sources: [], suggestions, text: text.suggestedText(suggestions) };
  }

  /** The sentence vector of a question. */
  embed(question: string): Promise<Float32Array> {
    const key = embeddingText(question);
    const known = this.recentVectors.get(key);
    if (known) {
      // Most recently used last, so the oldest is the first to go.
      this.recentVectors.delete(key);
      this.recentVectors.set(key, known);
      return known;
    }
    const vector = this.embedder.embed(key);
    this.recentVectors.set(key, vector);
    if (this.recentVectors.size > RECENT_VECTORS) this.recentVectors.delete(this.recentVectors.keys().next().value!);
    // A failed forward pass is not remembered: the next ask tries again.
    vector.catch(() => this.recentVectors.delete(key));
    return vector;
  }

  /** The raw candidates for a question (for the hit-test views). */
  async search(question: string): Promise<SearchResult> {
    return this.searchWith(question, await this.embed(question));
  }

  /** The raw candidates for a question whose vector is known (fitting embeds each question once), optionally ranked with other weights. */
  searchWith(question: string, vector: Float32Array, rankWeights?: RankWeights): SearchResult {
    return this.index.search(normalize(question).core, vector, rankWeights);
  }

  async ask(question: string): Promise<Answer> {
    const message = this.read(question);
    const base = this.base(question, message);
    return this.screen(base, message) ?? this.answerScreened(base, message, await this.embed(question));
  }

  /** The answer for a question whose vector is known. */
  answerWith(question: string, vector: Float32Array): Answer {
    const message = this.read(question);
    const base = this.base(question, message);
    return this.screen(base, message) ?? this.answerScreened(base, message, vector);
  }

  /** The answer for a question that passed {@link screen}. */
  private answerScreened(base: AnswerBase, { core, chat }: ReadMessage, vector: Float32Array): Answer {
    const { bot } = this.kb;
    const result = this.index.search(core, vector);
    const decision = decide(result, this.options.decision);
    const best = result.entries[0];
    const guesses = result.entries.slice(0, this.options.decision.maxSuggestions).map((e) => this.suggestion(e));
    const candidates = result.entries.slice(0, 10).map((e) => ({ faqId: e.id, score: round(e.score) }));
    const outOfScope = result.outOfScopeExample !== undefined ? { outOfScope: { example: result.outOfScopeExample, score: round(result.outOfScopeScore) } } : {};
    const scored = { ...base, score: best?.score ?? 0, confidence: decision.confidence, suggestions: guesses, candidates, ...outOfScope };

    // Another place's policy (深圳的租房补贴) is not answered from this one's: the reply says so and offers this place's nearest entries.
    const leader = best && this.faqs.get(best.id);
    // A word of the synonym lists is a term of the knowledge base's own (大班 ~ 幼儿园), whatever jieba tags it.
    const mentions = (w: string) => this.analyzer.synonyms.has(w) || (leader !== undefined && [leader.question, ...leader.alternates, leader.answer].some((t) => t.includes(w)));
    // The rules below apply only to what would be answered or offered.
    const offered = decision.status === "answered" || decision.status === "suggested";
    const elsewhere = offered ? placeElsewhere(core, bot.jurisdiction, this.analyzer, mentions) : undefined;
    // Offered, not answered, with the reason first: the nearest entries are the only choices worth showing.
    const withNotice = (lead: string): Answer => {
      const suggestions = suggestionChoices(result.entries, this.options.decision).map((e) => this.suggestion(e));
      return { ...scored, status: "suggested", suggestions, lead, text: text.choicesText(lead, suggestions) };
    };
    if (elsewhere) return withNotice(text.elsewhereLead(bot, elsewhere));
    // The asker's own case (我上次笔试考了多少分): no entry holds it, so the nearest are offered and staff are told.
    if (offered && this.options.ownRecord(core)) return withNotice(text.ownRecordLead(bot));
    if (decision.status === "answered") {
      const faq = this.faqs.get(decision.best.id)!;
      return { ...scored, status: "answered", faqId: faq.id, faq, sources: faq.source ? [faq.source] : [], ...this.citationOf(faq), text: text.answeredText(faq, this.policies) };
    }
    // Unsure small talk that asks something of its own (好的，在哪办 beside 好的) is a question: not answered, it is logged.
    if (chat && chat.similarity >= this.options.smalltalkMaybe && !this.asksBeyond(core, chat.example)) return this.smalltalkAnswer(base, chat.intent.id, chat.intent.reply);
    if (decision.status === "suggested") {
      const suggestions = decision.choices.map((e) => this.suggestion(e));
      return { ...scored, status: "suggested", suggestions, text: text.suggestedText(suggestions) };
    }
    if (decision.status === "excerpt") {
      const excerpts = decision.passages.map((p) => this.excerpt(p.id)).filter((e): e is Excerpt => e !== undefined);
      // The quoted article links to the policy text, as an FAQ answer's source does.
      const quoted = excerpts[0];
      const citation = quoted ? { citation: { doc: quoted.doc, article: quoted.article, title: quoted.docTitle } } : {};
      return { ...scored, status: "excerpt", excerpts, sources: excerpts.map((e) => ({ doc: e.doc, article: e.article })), ...citation, text: text.excerptText(bot, excerpts) };
    }
    return { ...scored, status: "unanswered", text: text.unansweredText(bot) };
  }

  /** What is decided before any search: too long, sure small talk, nothing to search with. */
  private screen(base: AnswerBase, { clean, chat }: ReadMessage): Answer | undefined {
    const { question } = base;
    const { bot } = this.kb;
    if ([...question].length > this.options.maxQuestionChars) return { ...base, status: "too_long", text: text.tooLongText(this.options.maxQuestionChars) };
    if (chat && chat.similarity >= this.options.smalltalkSure) return this.smalltalkAnswer(base, chat.intent.id, chat.intent.reply);
    // Nothing but digits (a stray "1" with no choice pending, "123456"), or a lone Latin word, has nothing to search with.
    if (!/\p{L}/u.test(clean) || tooLittleToAnswer(clean)) return { ...base, status: "empty", text: text.emptyText(bot) };
    return undefined;
  }

  /** Whether a message is small talk beyond doubt (好的, 谢谢): matched as surely as {@link screen} requires to skip the search. */
  isSureSmalltalk(question: string): boolean {
    return (this.read(question).chat?.similarity ?? 0) >= this.options.smalltalkSure;
  }

  /**
   * The message asks (a question word) and its small-talk example does not (哪里 in 好的，在哪办 beside 好的; not
   * 你能回答哪些问题 beside 你能做什么); or it asks about someone or something while the example asks the bot (你/您):
   * 评审是谁来评 and 是公办园吗 beside 你是谁 and 你是真人吗.
   */
  private asksBeyond(core: string, example: string): boolean {
    const asks = (text: string) => this.analyzer.tokens(text).some((t) => this.questionWords.has(t));
    if (asks(core) && !asks(example)) return true;
    return ADDRESSES_BOT.test(example) && !ADDRESSES_BOT.test(core) && ASKING.test(core);
  }

  /** The message normalised and matched against small talk (also behind courtesy words: 您好，请问有人吗 is 有人吗), once for every step that needs it. */
  private read(question: string): ReadMessage {
    const { clean, core } = normalize(question);
    const chat = !clean ? this.smalltalk.matchSymbols(question) : bestMatch(this.smalltalk.match(clean), core !== clean ? this.smalltalk.match(core) : undefined);
    return { clean, core, chat };
  }

  /** `read`: the question as {@link read} saw it, whose core form is the masked one's when masking changed nothing. */
  private base(question: string, read?: ReadMessage): AnswerBase {
    const masked = maskPersonalData(question);
    const normalized = read && masked === question ? read.core : normalize(masked).core;
    return { question, normalized, score: 0, confidence: 0, suggestions: [], candidates: [], sources: [], excerpts: [], text: "" };
  }

  /** `{ citation }` for an FAQ with a source (the document's title, or its id when the document is missing), else `{}`. */
  private citationOf(faq: FaqEntry): Pick<AnswerBase, "citation"> {
    const source = faq.source;
    if (!source) return {};
    const title = this.policies.get(source.doc)?.title ?? source.doc;
    return { citation: { doc: source.doc, ...(source.article ? { article: source.article } : {}), title } };
  }

  private smalltalkAnswer(base: AnswerBase, intent: string, reply: string): Answer {
    return { ...base, status: "smalltalk", smalltalkIntent: intent, text: text.smalltalkText(this.kb.bot, reply) };
  }

  private suggestion(e: EntryMatch): Suggestion {
    return { faqId: e.id, question: this.faqs.get(e.id)?.question ?? e.id, score: round(e.score) };
  }

  private excerpt(id: string): Excerpt | undefined {
    const hash = id.indexOf("#");
    const doc = this.policies.get(id.slice(0, hash));
    const article = doc?.articles.find((a) => a.key === id.slice(hash + 1));
    if (!doc || !article) return undefined;
    return { doc: doc.id, docTitle: doc.title, article: article.key, title: article.title, text: article.text };
  }
}

/** Sentence vectors of recent texts kept per engine: the same question comes often, a follow-up re-reads the earlier one. */
const RECENT_VECTORS = 1000;

/** Words that speak to the bot: 你是谁 asks about it, 评审是谁来评 about someone else. */
const ADDRESSES_BOT = /[你您]|\byou\b/iu;
/** A question, by its question words and particles (stop words among them, which the tokens lack). */
const ASKING = /[谁吗呢哪几?]|什么|怎|多少|是否|有没有|能不能|\b(?:who|what|how|which|where|when|why)\b/iu;

export const round = (n: number) => Math.round(n * 1000) / 1000;

/** What the engine reads of a message before deciding: its normalised forms and its small-talk match. */
interface ReadMessage extends NormalizedText {
  chat: SmalltalkMatch | undefined;
}

function bestMatch(a: SmalltalkMatch | undefined, b: SmalltalkMatch | undefined): SmalltalkMatch | undefined {
  return !b || (a && a.similarity >= b.similarity) ? a : b;
}
