import { maskPersonalData } from "../log/mask.js";
import type { Answer } from "./answer.js";
import type { AnswerEngine } from "./engine.js";

// The conversation's subject between two messages (what a follow-up question refers to), and which
// entries count as being on it: the knowledge base's own shelves (faq/ sub-folders, tags), nothing fixed.

/** The conversation's subject so far: its last policy question as understood. */
export interface TopicContext {
  question: string;
  /** The entry it was answered with, if it was. */
  faqId?: string;
  /** Not answered: the entries it came nearest to (its best guesses), which a short next message may still be about. */
  nearby?: readonly string[];
}

/** A message's answer in the conversation. */
export interface ContextualAnswer {
  answer: Answer;
  /** Set when the earlier question was used: the question as the bot understood it. */
  understood?: string;
  /** `understood` is the earlier question with this message's focus swapped in (D类人才购房补贴多少钱), not the two joined. */
  swapped?: boolean;
}

/** Longer than this, an understood question keeps its end: the subject is what was said last. */
const MAX_TOPIC_CHARS = 40;

/** The conversation's subject after this message, or undefined to keep the current one (small talk, empty). */
export function nextTopic(question: string, result: ContextualAnswer): TopicContext | undefined {
  const { answer, understood } = result;
  if (!isPolicyStatus(answer.status)) return undefined;
  // Masked before it is cut: a number cut in half would no longer look like one, and the topic is quoted back in notes.
  const text = maskPersonalData(understood ?? question);
  const chars = [...text];
  const subject = answer.status === "answered" ? { faqId: answer.faqId! } : { nearby: answer.suggestions.slice(0, NEARBY).map((s) => s.faqId) };
  return { question: chars.length > MAX_TOPIC_CHARS ? endOf(chars) : text, ...subject };
}

/** The last MAX_TOPIC_CHARS characters, never starting inside a number or its mask (2***3445 would show part of one), nor with punctuation. */
function endOf(chars: readonly string[]): string {
  const inNumber = (c: string | undefined) => c !== undefined && /[0-9A-Za-z*]/.test(c);
  let start = chars.length - MAX_TOPIC_CHARS;
  while (start < chars.length && inNumber(chars[start - 1]) && inNumber(chars[start])) start++;
  // Nor with the comma that joined two questions (the reply quotes it: 接着上一个问题：，我是…).
  while (start < chars.length && /[\s\p{P}]/u.test(chars[start]!)) start++;
  return chars.slice(start).join("");
}

/** How many of an unanswered question's best guesses a next message may be about. */
const NEARBY = 3;

/** The entry is on the conversation's subject: related to its entry, or (none answered) one of its nearest guesses. */
export function onSubject(engine: AnswerEngine, faqId: string, topic: TopicContext): boolean {
  if (topic.faqId !== undefined) return related(engine, faqId, topic.faqId);
  return (topic.nearby ?? []).includes(faqId);
}

/** Two entries on one shelf of the knowledge base: the same sub-folder of faq/, or a shared tag. */
export function related(engine: AnswerEngine, one: string, other: string | undefined): boolean {
  if (other === undefined) return false;
  if (one === other) return true;
  const a = engine.faq(one);
  const b = engine.faq(other);
  if (!a || !b) return false;
  const shelf = (file: string) => (file.includes("/", file.indexOf("/") + 1) ? file.slice(0, file.lastIndexOf("/")) : undefined);
  const shelfA = shelf(a.file);
  return (shelfA !== undefined && shelfA === shelf(b.file)) || a.tags.some((t) => b.tags.includes(t));
}

function isPolicyStatus(status: Answer["status"]): boolean {
  return status === "answered" || status === "suggested" || status === "excerpt" || status === "unanswered";
}
