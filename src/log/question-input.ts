import { QuestionLogError, errorMessage } from "./errors.js";
import { maskPersonalData } from "./mask.js";
import type { NewQuestion } from "./store.js";
import { OUTCOMES, QUESTION_REASONS, type Outcome, type QuestionToRecord } from "./types.js";
import type { GroupFilter } from "./question-log-options.js";

// What QuestionLog checks and masks before a store sees it, and the errors it gives.

/** Throws if `question.reason` is not one of QUESTION_REASONS. */
export function assertReason(question: QuestionToRecord, location: string): void {
  if (!QUESTION_REASONS.includes(question.reason)) {
    throw new QuestionLogError(`question log: unknown reason "${String(question.reason)}" for ${location}; use one of ${QUESTION_REASONS.join(", ")}.`);
  }
}

/** The question as stored: text, normalised text and sender name masked, asked at `askedAt()`. */
export function maskedQuestion(question: QuestionToRecord, askedAt: () => string): NewQuestion {
  return {
    text: maskPersonalData(question.text),
    normalized: maskPersonalData(question.normalized),
    askedAt: askedAt(),
    channel: question.channel,
    ...(question.conversationId === undefined ? {} : { conversationId: question.conversationId }),
    ...(question.senderId === undefined ? {} : { senderId: question.senderId }),
    ...(question.senderName === undefined ? {} : { senderName: maskPersonalData(question.senderName) }),
    reason: question.reason,
    candidates: question.candidates.map(({ faqId, score }) => ({ faqId, score })),
    ...(question.faqId === undefined ? {} : { faqId: question.faqId }),
  };
}

/** Throws if `outcome` is not one of OUTCOMES. */
export function assertOutcome(outcome: Outcome, location: string): void {
  if (!OUTCOMES.includes(outcome)) {
    throw new QuestionLogError(`question log: unknown outcome "${String(outcome)}" for ${location}; use one of ${OUTCOMES.join(", ")}.`);
  }
}

/** A group filter as the store takes it (times as ISO strings). */
export function storeGroupFilter(filter: GroupFilter): { status?: GroupFilter["status"]; since?: string } {
  return {
    ...(filter.status === undefined ? {} : { status: filter.status }),
    ...(filter.since === undefined ? {} : { since: filter.since.toISOString() }),
  };
}

/** A "YYYY-MM" month, or the error saying how to write one. */
export function monthProblem(month: string): QuestionLogError | undefined {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
    return new QuestionLogError(`question log: "${month}" is not a month; write it as YYYY-MM, e.g. 2024-03.`);
  }
  return undefined;
}

export function noGroupError(groupId: string, location: string): QuestionLogError {
  return new QuestionLogError(`question log: there is no question group "${groupId}" in ${location}; list the groups to find its id.`);
}

export function closedError(location: string): QuestionLogError {
  return new QuestionLogError(`question log: ${location} was closed; open the log again (QuestionLog.open) to use it.`);
}

/** Any failure of a store as a QuestionLogError (one already is stays as it is). */
export function asQuestionLogError(error: unknown, location: string): QuestionLogError {
  if (error instanceof QuestionLogError) return error;
  return new QuestionLogError(`question log: storage ${location} failed: ${errorMessage(error)}. Check the data directory.`, {
    cause: error,
  });
}
