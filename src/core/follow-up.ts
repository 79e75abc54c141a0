import { cosine } from "../search/embedding.js";
import { DEFAULT_QUESTION_WORDS } from "../search/index.js";
import { cleanText } from "../search/normalize.js";
import type { Answer } from "./answer.js";
import type { AnswerEngine } from "./engine.js";
import { entryWordsOf, namesSubject, wordsLikeEntry } from "./entry-words.js";
import { onSubject, type ContextualAnswer, type TopicContext } from "./topic.js";

/**
 * Follow-up questions (那D类呢？ / 需要什么材料？) resolved against the conversation's last policy
 * question. The rules, in order:
 *
 * 1. No earlier question, or a message that is small talk or unusable: the question alone.
 * 2. A question with words of its own topic and no follow-up marker stands alone: a topic switch
 *    always wins, the context never bends it.
 * 3. A marked question with a focus (那D类呢, 高中也一样吗) swaps the focus into the earlier question for
 *    the word most like it (C类 → D类) when one is similar enough; otherwise, and for a question with no
 *    topic words of its own (需要什么材料, 要多久, 这个怎么办), it is read after the earlier question.
 * 4. The rewritten question goes through the engine's own decision: it is answered only if the engine is
 *    as confident as for any question. If it is not answered, a marked or topic-less question keeps the
 *    rewritten (weaker) outcome rather than an answer that ignores what it refers to.
 *
 * What makes a word "topical" is learned from the knowledge base itself (see {@link topicalWords}).
 */
export interface FollowUpOptions {
  /** Openings that refer back: 那D类呢, 如果是高中. Default {@link DEFAULT_FOLLOW_UP_OPENINGS}. */
  openings: readonly string[];
  /** Openings among {@link openings} that add a question rather than refer back: they mark a message only when what follows has at most `shortChars` characters (还有别的吗, not 还有，人才的孩子上幼儿园有照顾吗). Default ["还有"]. */
  addingOpenings: readonly string[];
  /** Endings that refer back: D类呢, 高中也一样吗. Default {@link DEFAULT_FOLLOW_UP_ENDINGS}. */
  endings: readonly string[];
  /** Words that point at the earlier subject: 这个, 它. Default {@link DEFAULT_FOLLOW_UP_POINTERS}. */
  pointers: readonly string[];
  /** Cosine between the focus and a word of the earlier question above which the focus replaces it. Default 0.6. */
  minSwapCosine: number;
  /** A word in at least this share of the entries (and at least 3) names no subject: 材料, 申请. Default 0.1. */
  commonShare: number;
  /** Up to this many characters (markers removed), a message without a marker is still read in context: 有没有名额限制. Default 8. */
  shortChars: number;
  /** A short message answered alone at least this confidently stands alone (购房补贴, 人工电话多少) when no contextual reading is sure. Default 0.8. */
  sureAlone: number;
  /**
   * A short message whose reading after the subject found an entry that does not speak of its words (培训期间有工资吗
   * after the training entry) is answered only this confidently or more; below, that entry is offered as a choice. Default 0.6.
   */
  minUncovered: number;
  /**
   * A word no entry uses, but this close in meaning (cosine of the words' own vectors) to a word of the
   * conversation's entry, is a variant of the entry's subject (涵盖 ~ 覆盖, 公布 ~ 公示), not a new one. Default 0.8.
   */
  minWordCosine: number;
  /**
   * jieba's part-of-speech tags of words that name no subject (之后, 下次, 几份, 2025): one the knowledge base never
   * uses is no subject it lacks, and the answer need not speak of it. Default {@link DEFAULT_FUNCTION_TAGS}.
   */
  functionTags: readonly string[];
}

export const DEFAULT_FOLLOW_UP_OPENINGS: readonly string[] = ["那如果是", "那要是", "那如果", "如果是", "那么", "假如", "要是", "还有", "换成", "那"];
// Longest first: 也一样吗 before 一样吗, 的话呢 before 呢.
export const DEFAULT_FOLLOW_UP_ENDINGS: readonly string[] = "也一样吗 也可以吗 也行吗 也适用吗 也能吗 也算吗 也有吗 也要吗 也需要吗 也包括吗 一样吗 的话呢 的话 呢".split(" ");
export const DEFAULT_FOLLOW_UP_POINTERS: readonly string[] = ["这个", "这些", "这种", "这项", "上述", "该项", "它"];

// Localisers (之后, 期间: f), time words (暑假, 下次: t, tg), numerals and measures (2025, 几份: m, mq, q).
export const DEFAULT_FUNCTION_TAGS: readonly string[] = "f t tg m mq q".split(" ");

export const DEFAULT_FOLLOW_UP_OPTIONS: FollowUpOptions = {
  openings: DEFAULT_FOLLOW_UP_OPENINGS,
  addingOpenings: ["还有"],
  endings: DEFAULT_FOLLOW_UP_ENDINGS,
  pointers: DEFAULT_FOLLOW_UP_POINTERS,
  minSwapCosine: 0.6,
  commonShare: 0.1,
  shortChars: 8,
  sureAlone: 0.8,
  minUncovered: 0.6,
  minWordCosine: 0.8,
  functionTags: DEFAULT_FUNCTION_TAGS,
};

/** How a message refers to what came before. */
export interface FollowUpReading {
  /** Opens or ends with a follow-up marker, or points back (这个). */
  marked: boolean;
  /** The message without its markers and question particles (那D类呢 → d类). */
  focus: string;
  /** Its words, without question words and pointers. */
  content: string[];
  /** One of them is used by no entry: a subject the knowledge base may not have. */
  unknown: boolean;
  /** Those words. */
  unknownWords: string[];
  /** Words no entry uses that name no subject (之后, 2025, 几份: see {@link FollowUpOptions.functionTags}): left out of `content`. */
  functionWords: string[];
  /** Many entries are asked with all of them (材料, 申请, 多久): the message names no subject of its own. */
  generic: boolean;
}

export async function askInContext(engine: AnswerEngine, question: string, topic: TopicContext | undefined, options: Partial<FollowUpOptions> = {}): Promise<ContextualAnswer> {
  const o = { ...DEFAULT_FOLLOW_UP_OPTIONS, ...options };
  const alone = await engine.ask(question);
  if (!topic || alone.status === "empty" || alone.status === "too_long") return { answer: alone };
  const reading = readFollowUp(engine, question, o);
  // A full question (long enough, no marker) names its own subject: a topic switch always wins.
  const short = reading.marked || [...reading.focus].length <= o.shortChars;
  if (!short && alone.status === "answered") return { answer: alone };
  // A short message answered alone, unsurely and off the conversation's subject, is only a guess in a conversation.
  const weakAlone = short && alone.status === "answered" && alone.confidence < o.sureAlone && !onSubject(engine, alone.faqId!, topic);
  const aloneOrGuess = (): ContextualAnswer => ({ answer: weakAlone ? engine.asSuggestion(alone) : alone });
  // A word the knowledge base never uses is a subject it does not have (食堂伙食怎么样, 那学费呢): the context cannot help,
  // unless it is a variant of a word of the conversation's entry (涵盖哪些学科 after an answer that speaks of 覆盖).
  const variants = reading.unknown && topic.faqId !== undefined ? await wordsLikeEntry(engine, topic.faqId, reading.unknownWords, o.minWordCosine) : new Set<string>();
  const newSubject = reading.unknownWords.some((w) => !variants.has(w));
  // Small talk stays small talk unless its words are the knowledge base's own (怎么申请 after a question is not "what can
  // you do"); sure small talk (好的: 好 is a word of several entries) only when one of them names the subject (周末有人吗).
  const names = (w: string) => namesSubject(engine, w, topic.faqId, o.commonShare);
  const sureSmalltalk = () => (engine.isSureSmalltalk(question) || (!reading.marked && courtesyBeside(engine, question, reading.content, names))) && !reading.content.some(names);
  if (newSubject || (alone.status === "smalltalk" && (reading.content.length === 0 || sureSmalltalk()))) return aloneOrGuess();

  const readings: ContextualAnswer[] = [];
  if (reading.marked && reading.focus) {
    // 那D类呢: the focus takes the place of the earlier question's word most like it.
    const swapped = await swapInto(engine, topic.question, question, reading.focus, o.minSwapCosine);
    if (swapped) readings.push({ answer: { ...(await engine.ask(swapped)), question }, understood: swapped, swapped: true });
  }
  const joined = `${topic.question}，${question}`;
  let inContext = await engine.ask(joined);
  // The subject is one the knowledge base lacks (人才公寓, not answered): no entry answers a question about it,
  // however well the rest matches (需要交什么材料); what the subject itself got (a policy quote, 不知道) is the answer.
  const subjectLacking = topic.faqId === undefined && readFollowUp(engine, topic.question, o).unknown;
  if (inContext.status === "answered" && subjectLacking) inContext = await engine.ask(topic.question);
  // Read after the earlier question, the answer must still speak of this message's own words (那租房呢 is not 购房补贴).
  if (inContext.status !== "answered" || covers(engine, inContext.faqId!, reading.content, topic.question, inContext.faqId === topic.faqId ? variants : new Set()))
    readings.push({ answer: { ...inContext, question }, understood: joined });

  let contextual: ContextualAnswer | undefined;
  for (const r of readings) if (r.answer.status === "answered" && (!contextual || r.answer.confidence > contextual.answer.confidence)) contextual = r;
  // Both contextual readings found the same entry: the swapped one says more plainly how the message was read.
  const swap = readings.find((r) => r.swapped);
  if (contextual && swap && swap !== contextual && swap.answer.status === "answered" && swap.answer.faqId === contextual.answer.faqId) contextual = swap;

  if (alone.status === "answered") {
    // A shelf-mate answered alone (有年龄要求吗 → the recruitment entry, after the transfer entry) gives way to the
    // conversation's own entry when that entry is asked about these words and is surer read in context.
    if (contextual && ownEntryAsked(engine, topic, alone, contextual.answer, reading.content, question)) return contextual;
    // On the subject's own shelf (the same folder or a shared tag), or the same entry: alone and in context agree.
    if (onSubject(engine, alone.faqId!, topic) && (!contextual || contextual.answer.faqId === alone.faqId || !reading.marked)) return { answer: alone };
    // A marked message with a focus of its own (那考试流程呢) may name a new subject: the surer reading wins.
    if (reading.marked && reading.focus && !weakAlone && (!contextual || alone.confidence > contextual.answer.confidence)) return { answer: alone };
  }
  // A short message in a conversation is about the conversation's subject: the contextual reading wins when sure.
  if (contextual) return contextual;
  // Alone it is answered, in context nothing is sure: a short message's answer alone ignores what it refers to
  // (有没有名额限制 after a kindergarten question is not about titles), unless it is on the subject's shelf.
  // A generic message (需要交什么材料) after a subject the knowledge base lacks names no subject of its own: answered alone it guesses one.
  if (alone.status === "answered" && !weakAlone && !(subjectLacking && reading.generic)) return { answer: alone };
  // Unsure small talk that asks something of the conversation's subject (怎么申报, 工资待遇咋样): the question read in
  // context, whose answer did not speak of its words, so at most suggested; not answered, it is logged for staff.
  if (alone.status === "smalltalk") {
    if (!asksSomething(engine.analyzer.analyze(question).tokens)) return { answer: alone };
    return { answer: inContext.status === "answered" ? engine.asSuggestion({ ...inContext, question }) : { ...inContext, question }, understood: joined };
  }
  if (weakAlone && !subjectLacking && readings.every((r) => r.answer.status !== "suggested")) return aloneOrGuess();
  // Nothing sure: a message that only makes sense after the earlier one keeps its contextual outcome (suggestions, 不知道);
  // a full question whose joined reading's answer does not speak of its words (not among the readings) is only a guess,
  // and so is a short one's unless the engine is sure of it.
  if (readings[0]) return readings[0];
  const sureEnough = short && inContext.confidence >= o.minUncovered;
  return { answer: inContext.status === "answered" && !sureEnough ? engine.asSuggestion({ ...inContext, question }) : { ...inContext, question }, understood: joined };
}

/**
 * The message is sure small talk once the words of `content` that name no subject are taken out: a courtesy
 * to someone (谢谢老师 → 谢谢). Only those words go, and what is left asks nothing: 好的需要什么材料 keeps 什么.
 */
function courtesyBeside(engine: AnswerEngine, question: string, content: readonly string[], names: (word: string) => boolean): boolean {
  const plain = new Set(content.filter((w) => !names(w)));
  if (plain.size === 0) return false;
  const words = engine.analyzer.surfaceWords(cleanText(question).replace(/\s+/g, "")).map((text) => ({ text, tokens: engine.analyzer.analyze(text).tokens }));
  const kept = words.filter(({ tokens }) => tokens.length === 0 || !tokens.every((t) => plain.has(t)));
  // What is left must not ask anything (看什么 is a question about 评审, not small talk).
  const asks = kept.some(({ tokens }) => asksSomething(tokens));
  return kept.length > 0 && kept.length < words.length && !asks && engine.isSureSmalltalk(kept.map((w) => w.text).join(""));
}

/**
 * The contextual reading found the conversation's own entry, not the entry the message alone found; the own entry's
 * phrasings hold every word of `content`, and it is at least as sure; and the other entry is not the one for this detail:
 * its question neither holds all those words nor asks with one of the message's question words (多久 beside
 * 什么时候受理？多久能办好). On the dialogue floor: 8 follow-ups more right, 8 fewer wrong.
 */
function ownEntryAsked(engine: AnswerEngine, topic: TopicContext, alone: Answer, inContext: Answer, content: readonly string[], question: string): boolean {
  if (topic.faqId === undefined || inContext.faqId !== topic.faqId || alone.faqId === topic.faqId || inContext.confidence < alone.confidence || content.length === 0) return false;
  const asked = entryWordsOf(engine).askedBy.get(topic.faqId);
  if (!asked || !content.every((w) => asked.has(w))) return false;
  const other = engine.faq(alone.faqId!);
  if (!other) return false;
  const about = new Set(engine.analyzer.analyze(other.question).tokens);
  const asks = engine.analyzer.analyze(question).tokens.some((t) => QUESTION_WORDS.has(t) && about.has(t));
  return !asks && !content.every((w) => about.has(w));
}

/** Every word of `content` is a word of the entry (its phrasings or its answer), of the earlier question, or one of the entry's `variants`. */
function covers(engine: AnswerEngine, faqId: string, content: readonly string[], earlier: string, variants: ReadonlySet<string>): boolean {
  const said = new Set(engine.analyzer.analyze(earlier).tokens);
  const words = entryWordsOf(engine).entries.get(faqId);
  return words !== undefined && content.every((w) => said.has(w) || variants.has(w) || words.has(w));
}

const QUESTION_WORDS: ReadonlySet<string> = new Set(DEFAULT_QUESTION_WORDS);

/** A question word among the tokens (什么, 怎么, 哪里 …): the text asks something. */
const asksSomething = (tokens: readonly string[]) => tokens.some((t) => QUESTION_WORDS.has(t));

/** Markers, focus and the message's own words. */
export function readFollowUp(engine: AnswerEngine, question: string, options: Partial<FollowUpOptions> = {}): FollowUpReading {
  const o = { ...DEFAULT_FOLLOW_UP_OPTIONS, ...options };
  let focus = cleanText(question).replace(/\s+/g, "");
  let marked = false;
  const opening = o.openings.find((m) => focus.startsWith(m) && focus.length > m.length);
  if (opening) {
    focus = focus.slice(opening.length);
    marked = true;
  }
  const ending = o.endings.find((m) => focus.endsWith(m) && focus.length > m.length);
  if (ending) {
    focus = focus.slice(0, -ending.length);
    marked = true;
  }
  focus = focus.replace(/(?:吗|吧|啊|呀)$/u, "").replace(/的$/u, "");
  // An opening that adds a question refers back only when what follows is elliptical: 还有呢 does, 还有，教师招聘公告在哪发 is a new question.
  if (opening && o.addingOpenings.includes(opening) && !ending && [...focus].length > o.shortChars) marked = false;
  if (o.pointers.some((p) => focus.includes(p))) marked = true;
  const { phrasings, vocabulary } = entryWordsOf(engine);
  const words = engine.analyzer
    .analyze(focus)
    .terms.map((t) => t.token)
    .filter((w) => !QUESTION_WORDS.has(w) && !o.pointers.includes(w));
  const unused = words.filter((w) => !vocabulary.has(w));
  // jieba's tags only when a word is one no entry uses (most messages have none). The whole focus of a marked message
  // is what it asks about, whatever its class (那初中呢: jieba tags 初中 a localiser).
  const tagged = unused.length === 0 ? [] : engine.analyzer.taggedWords(focus).filter((w) => o.functionTags.includes(w.tag));
  const functionWords = unused.filter((w) => tagged.some((t) => t.word === w) && !(marked && w === focus));
  const content = words.filter((w) => !functionWords.includes(w));
  const unknownWords = unused.filter((w) => !functionWords.includes(w));
  // Together the words may still pin a subject down (子女 + 入学 + 材料): count the entries asked with them all.
  const holding = phrasings.filter((words) => content.every((w) => words.has(w))).length;
  return { marked, focus, content, unknown: unknownWords.length > 0, unknownWords, functionWords, generic: holding >= Math.max(3, o.commonShare * phrasings.length) };
}

/**
 * The earlier question with its word most like `focus` replaced by it (c类人才购房补贴 + d类 →
 * d类人才购房补贴), or undefined when no word is similar enough.
 */
async function swapInto(engine: AnswerEngine, earlier: string, asked: string, focus: string, minCosine: number): Promise<string | undefined> {
  const text = cleanText(earlier).replace(/\s+/g, "");
  // Only words that could stand for a subject: not stop words, question words or single Han characters (each costs a forward pass).
  const units = labelUnits(engine.analyzer.surfaceWords(text)).filter(
    (w) => /[\p{L}\d]/u.test(w) && w !== focus && !engine.analyzer.isStopword(w) && !QUESTION_WORDS.has(w) && !/^\p{Script=Han}$/u.test(w),
  );
  if (units.length === 0) return undefined;
  const target = await engine.embed(focus);
  let best: { word: string; cosine: number } | undefined;
  for (const word of new Set(units)) {
    const c = cosine(target, await engine.embed(word));
    if (!best || c > best.cosine) best = { word, cosine: c };
  }
  if (!best || best.cosine < minCosine) return undefined;
  // Rewrite what the person wrote, in their own case (C类 → D类), when the word is found there as typed.
  const raw = new RegExp(escapeRegExp(best.word), "iu");
  const typedFocus = new RegExp(escapeRegExp(focus), "iu").exec(asked)?.[0] ?? focus;
  return raw.test(earlier) ? earlier.replace(raw, typedFocus).replace(/[？?！!。]+$/u, "") : text.replace(best.word, focus);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A Latin letter or number followed by one Han character is one label (c 类 → c类, 3 号 → 3号). */
function labelUnits(words: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = words[i + 1];
    if (/^[a-z\d]+$/.test(w) && next && /^\p{Script=Han}$/u.test(next)) {
      out.push(w + next);
      i++;
    } else out.push(w);
  }
  return out;
}
