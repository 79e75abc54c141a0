import { DEFAULT_QUESTION_WORDS } from "../search/index.js";
import { cleanText } from "../search/normalize.js";
import type { Answer } from "./answer.js";
import type { AnswerEngine } from "./engine.js";

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
  /** Endings that refer back: D类呢, 高中也一样吗. Default {@link DEFAULT_FOLLOW_UP_ENDINGS}. */
  endings: readonly string[];
  /** Words that point at the earlier subject: 这个, 它. Default {@link DEFAULT_FOLLOW_UP_POINTERS}. */
  pointers: readonly string[];
  /** Cosine between the focus and a word of the earlier question above which the focus replaces it. Default 0.6. */
  minSwapCosine: number;
}

export const DEFAULT_FOLLOW_UP_OPENINGS: readonly string[] = ["那如果是", "那要是", "那如果", "如果是", "那么", "假如", "要是", "还有", "另外", "换成", "那"];
export const DEFAULT_FOLLOW_UP_ENDINGS: readonly string[] = ["也一样吗", "也可以吗", "也行吗", "也适用吗", "也能吗", "一样吗", "的话呢", "的话", "呢"];
export const DEFAULT_FOLLOW_UP_POINTERS: readonly string[] = ["这个", "这些", "这种", "这项", "上述", "该项", "它"];

export const DEFAULT_FOLLOW_UP_OPTIONS: FollowUpOptions = {
  openings: DEFAULT_FOLLOW_UP_OPENINGS,
  endings: DEFAULT_FOLLOW_UP_ENDINGS,
  pointers: DEFAULT_FOLLOW_UP_POINTERS,
  minSwapCosine: 0.6,
};

/** The conversation's subject so far: its last policy question as understood. */
export interface TopicContext {
  question: string;
  /** The entry it was answered with, if it was. */
  faqId?: string;
}

export interface ContextualAnswer {
  answer: Answer;
  /** Set when the earlier question was used: the question as the bot understood it. */
  understood?: string;
}

/** How a message refers to what came before. */
export interface FollowUpReading {
  /** Opens or ends with a follow-up marker, or points back (这个). */
  marked: boolean;
  /** The message without its markers and question particles (那D类呢 → d类). */
  focus: string;
  /** Its words, without question words and pointers. */
  content: string[];
  /** One of them is used by no entry: a subject the knowledge base does not have. */
  unknown: boolean;
}

export async function askInContext(engine: AnswerEngine, question: string, topic: TopicContext | undefined, options: Partial<FollowUpOptions> = {}): Promise<ContextualAnswer> {
  const o = { ...DEFAULT_FOLLOW_UP_OPTIONS, ...options };
  const alone = await engine.ask(question);
  if (!topic || alone.status === "empty" || alone.status === "too_long") return { answer: alone };
  const reading = readFollowUp(engine, question, o);
  // 谢谢 / 好的 after an answer is small talk, whatever came before.
  if (!isPolicyStatus(alone.status) && reading.content.length === 0) return { answer: alone };
  // A word the knowledge base never uses is a new subject (食堂伙食怎么样): the context cannot help.
  if (!reading.marked && reading.unknown) return { answer: alone };
  // On the subject's own shelf (the same folder or a shared tag): consistent with the conversation.
  if (!reading.marked && alone.status === "answered" && related(engine, alone.faqId!, topic.faqId)) return { answer: alone };

  const readings: ContextualAnswer[] = [];
  if (reading.marked && reading.focus) {
    // 那D类呢: the focus takes the place of the earlier question's word most like it.
    const swapped = await swapInto(engine, topic.question, reading.focus, o.minSwapCosine);
    if (swapped) readings.push({ answer: { ...(await engine.ask(swapped)), question }, understood: swapped });
  }
  const joined = `${topic.question}，${question}`;
  const inContext = await engine.ask(joined);
  // Read after the earlier question, an answer to a message that does not refer back must still speak of its words.
  if (inContext.status !== "answered" || reading.marked || covers(engine, inContext.faqId!, reading.content)) readings.push({ answer: { ...inContext, question }, understood: joined });

  // The surest answered reading wins; the question alone wins ties: a topic switch is never bent.
  let best: ContextualAnswer | undefined = alone.status === "answered" ? { answer: alone } : undefined;
  for (const r of readings) if (r.answer.status === "answered" && (!best || r.answer.confidence > best.answer.confidence)) best = r;
  if (best) return best;
  // Nothing sure: a message that only makes sense after the earlier one keeps its contextual outcome (suggestions, 不知道).
  const contextual = readings[0] ?? { answer: { ...inContext, question }, understood: joined };
  return reading.marked || !isPolicyStatus(alone.status) ? contextual : { answer: alone };
}

/** Every word of `content` is a word of the entry (its phrasings or its answer). */
function covers(engine: AnswerEngine, faqId: string, content: readonly string[]): boolean {
  let words = ENTRY_WORDS.get(engine)?.get(faqId);
  if (!words) {
    const faq = engine.faq(faqId);
    words = new Set(faq ? [faq.question, ...faq.alternates, faq.answer].flatMap((p) => engine.analyzer.analyze(p).tokens) : []);
    const perEngine = ENTRY_WORDS.get(engine) ?? new Map<string, ReadonlySet<string>>();
    perEngine.set(faqId, words);
    ENTRY_WORDS.set(engine, perEngine);
  }
  const known = words;
  return content.every((w) => known.has(w));
}
const ENTRY_WORDS = new WeakMap<AnswerEngine, Map<string, ReadonlySet<string>>>();

/** Longer than this, an understood question keeps its end: the subject is what was said last. */
const MAX_TOPIC_CHARS = 80;

/** The conversation's subject after this message, or undefined to keep the current one (small talk, empty). */
export function nextTopic(question: string, result: ContextualAnswer): TopicContext | undefined {
  const { answer, understood } = result;
  if (!isPolicyStatus(answer.status)) return undefined;
  const text = understood ?? question;
  const chars = [...text];
  return { question: chars.length > MAX_TOPIC_CHARS ? chars.slice(-MAX_TOPIC_CHARS).join("") : text, ...(answer.status === "answered" ? { faqId: answer.faqId! } : {}) };
}

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
  if (o.pointers.some((p) => focus.includes(p))) marked = true;
  const questionWords = new Set(DEFAULT_QUESTION_WORDS);
  const content = engine.analyzer.analyze(focus).terms.map((t) => t.token).filter((w) => !questionWords.has(w) && !o.pointers.includes(w));
  const vocabulary = vocabularyOf(engine);
  return { marked, focus, content, unknown: content.some((w) => !vocabulary.has(w)) };
}

/** Every word of the entries' phrasings and answers. */
function vocabularyOf(engine: AnswerEngine): ReadonlySet<string> {
  let words = VOCABULARY.get(engine);
  if (!words) {
    words = new Set(engine.kb.faqs.flatMap((f) => [f.question, ...f.alternates, f.answer].flatMap((p) => engine.analyzer.analyze(p).tokens)));
    VOCABULARY.set(engine, words);
  }
  return words;
}
const VOCABULARY = new WeakMap<AnswerEngine, ReadonlySet<string>>();

/** Two entries on one shelf of the knowledge base: the same sub-folder of faq/, or a shared tag. */
function related(engine: AnswerEngine, one: string, other: string | undefined): boolean {
  if (other === undefined) return false;
  if (one === other) return true;
  const a = engine.faq(one);
  const b = engine.faq(other);
  if (!a || !b) return false;
  const shelf = (file: string) => (file.includes("/", file.indexOf("/") + 1) ? file.slice(0, file.lastIndexOf("/")) : undefined);
  const shelfA = shelf(a.file);
  return (shelfA !== undefined && shelfA === shelf(b.file)) || a.tags.some((t) => b.tags.includes(t));
}

/**
 * The earlier question with its word most like `focus` replaced by it (c类人才购房补贴 + d类 →
 * d类人才购房补贴), or undefined when no word is similar enough.
 */
async function swapInto(engine: AnswerEngine, earlier: string, focus: string, minCosine: number): Promise<string | undefined> {
  const text = cleanText(earlier).replace(/\s+/g, "");
  const units = labelUnits(engine.analyzer.surfaceWords(text)).filter((w) => /[\p{L}\d]/u.test(w) && w !== focus);
  if (units.length === 0) return undefined;
  const target = await engine.embed(focus);
  let best: { word: string; cosine: number } | undefined;
  for (const word of new Set(units)) {
    const c = cosine(target, await engine.embed(word));
    if (!best || c > best.cosine) best = { word, cosine: c };
  }
  if (!best || best.cosine < minCosine) return undefined;
  return text.replace(best.word, focus);
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

/** Both vectors are unit length. */
function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}

function isPolicyStatus(status: Answer["status"]): boolean {
  return status === "answered" || status === "suggested" || status === "excerpt" || status === "unanswered";
}
