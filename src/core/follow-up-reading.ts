import { cosine } from "../search/embedding.js";
import { DEFAULT_QUESTION_WORDS } from "../search/index.js";
import { cleanText } from "../search/normalize.js";
import type { AnswerEngine } from "./engine.js";
import { entryWordsOf } from "./entry-words.js";

// How a message in a conversation refers back (markers, focus, its own words) and the earlier question rewritten
// with its focus (那D类呢 → D类人才购房补贴多少钱); follow-up.ts decides which reading is answered.

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

export const QUESTION_WORDS: ReadonlySet<string> = new Set(DEFAULT_QUESTION_WORDS);

/** A question word among the tokens (什么, 怎么, 哪里 …): the text asks something. */
export const asksSomething = (tokens: readonly string[]) => tokens.some((t) => QUESTION_WORDS.has(t));

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
export async function swapInto(engine: AnswerEngine, earlier: string, asked: string, focus: string, minCosine: number): Promise<string | undefined> {
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

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

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
