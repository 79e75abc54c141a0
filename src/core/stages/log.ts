import { QuestionLogError } from "../../log/errors.js";
import type { Context } from "../context.js";
import type { NextFunction } from "../composer.js";

/**
 * The log stage. It is installed early but works after `await next()`: by then the user has
 * the reply and the stage that handled the message has set ctx.outcome. A failed write is
 * reported to the operator and does not touch the conversation; other errors go to the
 * error boundary.
 */
export async function logOutcome(ctx: Context, next: NextFunction): Promise<void> {
  await next();
  const { outcome } = ctx;
  const log = ctx.services.log;
  if (!outcome || !log) return;
  const { message } = ctx;
  const writes: Promise<unknown>[] = [log.count(outcome.count, outcome.faqId)];
  if (outcome.record) {
    const { escalates, ...record } = outcome.record;
    const store = async () => {
      // 人工 about a question this asker just asked: that entry, not a second group.
      const escalated = escalates === undefined ? undefined : await log.escalate(escalates);
      if (escalated) return;
      const entry = await log.record({
        ...record,
        channel: message.channel,
        conversationId: message.conversationId,
        senderId: message.senderId,
        ...(message.senderName === undefined ? {} : { senderName: message.senderName }),
      });
      outcome.onRecorded?.(entry.id);
    };
    writes.push(store());
  }
  const results = await Promise.allSettled(writes);
  for (const result of results) {
    if (result.status === "fulfilled") continue;
    if (result.reason instanceof QuestionLogError) ctx.services.reportLogError(result.reason);
    else throw result.reason;
  }
}
