import { cleanText } from "../search/normalize.js";
import type { Answer } from "./answer.js";
import type { AnswerEngine } from "./engine.js";
import { entryWordsOf, namesSubject, wordsLikeEntry } from "./entry-words.js";
import { DEFAULT_FOLLOW_UP_OPTIONS, QUESTION_WORDS, asksSomething, readFollowUp, swapInto, type FollowUpOptions, type FollowUpReading } from "./follow-up-reading.js";
import { onSubject, type ContextualAnswer, type TopicContext } from "./topic.js";

export * from "./follow-up-reading.js";

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
  // Read after the earlier question, the answer must still speak of this message's own words (那租房呢 is not 购房补贴),
  // unless it is the subject's own entry and the message alone asks an aspect another entry has (see aspectOfSubject).
  if (
    inContext.status !== "answered" ||
    aspectOfSubject(engine, topic, alone, inContext, reading, short, o) ||
    covers(engine, inContext.faqId!, reading.content, topic.question, inContext.faqId === topic.faqId ? variants : new Set())
  )
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

/**
 * A short unmarked message of known words that alone finds, unsurely, another entry of its aspect (要什么条件 → the recruitment
 * conditions, 有名额限制吗 → titles) without naming what that entry's own question is about (电话多少: the hotline's question
 * asks for its 电话), and read after the subject finds the subject's own entry: in the conversation the aspect is the subject's,
 * though its words are not the entry's. On the dialogue floor: 60 follow-ups more right, 4 more wrong.
 */
function aspectOfSubject(engine: AnswerEngine, topic: TopicContext, alone: Answer, inContext: Answer, reading: FollowUpReading, short: boolean, o: FollowUpOptions): boolean {
  if (!short || reading.marked || reading.unknown || alone.status !== "answered" || alone.confidence >= o.sureAlone || alone.faqId === topic.faqId) return false;
  if (inContext.faqId !== topic.faqId) return false;
  // The entry's own question says what it is about: a word of it that few entries use names it (电话 the hotline's).
  const about = new Set(engine.analyzer.analyze(engine.faq(alone.faqId!)?.question ?? "").tokens);
  return !reading.content.some((w) => about.has(w) && namesSubject(engine, w, alone.faqId, o.commonShare));
}

/** Every word of `content` is a word of the entry (its phrasings or its answer), of the earlier question, or one of the entry's `variants`. */
function covers(engine: AnswerEngine, faqId: string, content: readonly string[], earlier: string, variants: ReadonlySet<string>): boolean {
  const said = new Set(engine.analyzer.analyze(earlier).tokens);
  const words = entryWordsOf(engine).entries.get(faqId);
  return words !== undefined && content.every((w) => said.has(w) || variants.has(w) || words.has(w));
}
