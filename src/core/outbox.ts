import { QuestionLogError } from "../log/errors.js";
import type { QuestionLog } from "../log/question-log.js";
import type { OutboxMessage } from "../log/types.js";
import type { Channel } from "./channel.js";
import { staffReplyText } from "./wording.js";

export interface OutboxOptions {
  /** How often to look for staff replies to deliver. Default 2 000 ms. */
  intervalMs?: number;
  /** Wait after a failed attempt, multiplied by the number of attempts so far. Default 30 000 ms. */
  retryDelayMs?: number;
  /** A delivery failed or the log could not be updated. Default: print to stderr. */
  onError?: (message: string) => void;
}

/**
 * Delivers staff replies: for every running channel, takes its pending outbox messages,
 * sends each into its conversation and marks it sent, or failed (the log counts attempts
 * and stops offering a message after its maximum; here a failed message also waits longer
 * after each attempt). Messages for channels that are not running wait in the outbox.
 */
export class OutboxDispatcher {
  private readonly channels = new Map<string, Channel>();
  private readonly notBefore = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly intervalMs: number;
  private readonly retryDelayMs: number;
  private readonly onError: (message: string) => void;

  constructor(
    private readonly log: QuestionLog,
    channels: readonly Channel[],
    options: OutboxOptions = {},
  ) {
    for (const channel of channels) this.channels.set(channel.name, channel);
    this.intervalMs = options.intervalMs ?? 2_000;
    this.retryDelayMs = options.retryDelayMs ?? 30_000;
    this.onError = options.onError ?? ((message) => console.error(`talentbot: ${message}`));
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.deliver(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops polling and waits for a delivery round in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One delivery round now (also called right after staff reply). Rounds never overlap. */
  deliver(): Promise<void> {
    if (this.running) return this.running.then(() => this.deliver());
    const round = this.deliverRound().finally(() => {
      this.running = undefined;
    });
    this.running = round;
    return round;
  }

  private async deliverRound(): Promise<void> {
    for (const [name, channel] of this.channels) {
      for (const message of this.log.pendingOutbox(name)) {
        if ((this.notBefore.get(message.id) ?? 0) > Date.now()) continue;
        await this.deliverOne(channel, message);
      }
    }
  }

  private async deliverOne(channel: Channel, message: OutboxMessage): Promise<void> {
    let sendError: unknown;
    try {
      await channel.send(message.conversationId, { text: staffReplyText(this.questionOf(message), message.text) });
    } catch (error) {
      sendError = error;
    }
    try {
      if (sendError === undefined) {
        this.notBefore.delete(message.id);
        await this.log.markSent(message.id);
      } else {
        await this.log.markFailed(message.id, sendError);
        this.notBefore.set(message.id, Date.now() + this.retryDelayMs * (message.attempts + 1));
        this.onError(`could not deliver staff reply ${message.id} (group ${message.groupId}) on ${channel.name} to ${message.conversationId}: ${describe(sendError)}; will retry`);
      }
    } catch (error) {
      if (!(error instanceof QuestionLogError)) throw error;
      this.onError(error.message);
    }
  }

  /** What this asker asked (masked), so the reply makes sense days later. */
  private questionOf(message: OutboxMessage): string | undefined {
    const entries = this.log.getGroup(message.groupId)?.entries ?? [];
    const own = entries.filter((e) => e.channel === message.channel && e.conversationId === message.conversationId && e.reason !== "human");
    return own.at(-1)?.text;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
