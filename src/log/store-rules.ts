import { QuestionLogError } from "./errors.js";
import type { LoggedQuestion, QuestionGroup } from "./types.js";

// Rules every store (memory, embedded, PostgreSQL) applies the same way.

/** One (channel, conversationId) per asker that can still be reached, in order of asking. */
export function replyTargets(entries: readonly LoggedQuestion[]): { channel: string; conversationId: string }[] {
  const seen = new Set<string>();
  const targets: { channel: string; conversationId: string }[] = [];
  for (const entry of entries) {
    if (entry.conversationId === undefined) continue;
    const key = JSON.stringify([entry.channel, entry.conversationId]);
    if (seen.has(key)) continue;
    seen.add(key);
    targets.push({ channel: entry.channel, conversationId: entry.conversationId });
  }
  return targets;
}

export function unknownMessage(messageId: string, location: string): QuestionLogError {
  return new QuestionLogError(`question log: there is no outbox message "${messageId}" in ${location}; it may have been removed by retention. Take ids from pendingOutbox().`);
}

/** One of the group's questions is now a request for a person: its count moves from `reason` to human. */
export function moveReason(group: QuestionGroup, reason: LoggedQuestion["reason"]): void {
  const before = group.reasons[reason] ?? 0;
  if (before <= 1) delete group.reasons[reason];
  else group.reasons[reason] = before - 1;
  group.reasons.human = (group.reasons.human ?? 0) + 1;
}
