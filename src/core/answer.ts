import type { FaqEntry, SourceRef } from "../knowledge/types.js";
import type { Citation } from "./message.js";

/**
 * What the engine decided for one question.
 * - answered: one FAQ fits with confidence; suggested: 2–3 close FAQs ("您是不是想问");
 * - excerpt: no FAQ fits, policy articles do; unanswered: nothing relevant;
 * - smalltalk: greeting, thanks, who-are-you, help; empty / too_long: unusable input.
 */
export type AnswerStatus = "answered" | "suggested" | "excerpt" | "unanswered" | "smalltalk" | "empty" | "too_long";

export interface Suggestion {
  faqId: string;
  question: string;
  score: number;
}

export interface Excerpt {
  doc: string;
  docTitle: string;
  article: string;
  title: string;
  text: string;
}

/** What every Answer carries, whatever its status. */
export interface AnswerBase {
  question: string;
  /**
   * The question's comparison form with personal data masked first (`normalize(maskPersonalData(question)).core`):
   * what the question log stores and groups by, so the conversation stages need not analyse the text again.
   * Masked before normalising: normalising an e-mail address first would turn it into words the mask cannot see.
   */
  normalized: string;
  /** Where the reply's policy text is, for channels that link: the answered FAQ's source, or the first quoted article. */
  citation?: Citation;
  /** Rank score of the best FAQ candidate, in [0, 1]. */
  score: number;
  /** Confidence that the best candidate is right, in [0, 1]; what the decision thresholds apply to. */
  confidence: number;
  /** For `suggested`: the choices; for other statuses the engine's best guesses (for staff). */
  suggestions: Suggestion[];
  /** The ten best-ranked entries whatever the status (for the hit-test and evaluation). */
  candidates: { faqId: string; score: number }[];
  sources: SourceRef[];
  excerpts: Excerpt[];
  /** The most similar out-of-scope example (knowledge/out-of-scope.md) and its score, for the hit-test. */
  outOfScope?: { example: string; score: number };
  /** The reply as the user sees it. */
  text: string;
  /**
   * For `suggested`: what a chat says before the choices in place of 您是不是想问 (another place's policy, the asker's
   * own record) — `text` holds it and the numbered choices together, for the command line.
   */
  lead?: string;
}

/** One FAQ fits with confidence: it is named, and only here. */
export interface AnsweredAnswer extends AnswerBase {
  status: "answered";
  faqId: string;
  faq: FaqEntry;
  smalltalkIntent?: undefined;
}

export interface SmalltalkAnswer extends AnswerBase {
  status: "smalltalk";
  smalltalkIntent?: string;
  faqId?: undefined;
  faq?: undefined;
}

export interface OtherAnswer extends AnswerBase {
  status: Exclude<AnswerStatus, "answered" | "smalltalk">;
  faqId?: undefined;
  faq?: undefined;
  smalltalkIntent?: undefined;
}

/** What the engine decided for one question, discriminated on `status`. */
export type Answer = AnsweredAnswer | SmalltalkAnswer | OtherAnswer;
