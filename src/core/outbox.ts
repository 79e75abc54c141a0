import { QuestionLogError } from "../log/errors.js";
import type { QuestionLog } from "../log/question-log.js";
import type { OutboxMessage } from "../log/types.js";
import type { Channel } from "./channel.js";
import { staffReplyText } from "./wording.js";
import { toStderr, type Report } from "./report.js";

export interface OutboxOptions {
  /** How often to look for staff replies to deliver. Default 2 000 ms. */
  intervalMs?: number;
  /** Wait after a failed attempt, multiplied by the number of attempts so far. Default 30 000 ms. */
  retryDelayMs?: number;
  /** A delivery failed or the log could not be updated. Default: print to stderr. */
  report?: Report;
  /** How long a claimed message stays reserved for this process (other replicas skip it). Default 120 000 ms. */
  leaseMs?: number;
  /** Messages claimed per round. Default 50. */
  batch?: number;
}

/**
 * Delivers staff replies: claims the deliverable outbox messages of the channels running in
 * this process (a lease: another replica sharing the log skips them), sends each into its
 * conversation and marks it sent, or failed (the log counts attempts and stops offering a
 * message after its maximum; a failed message waits longer after each attempt, in the log,
 * so every replica honours it). Messages for channels that are not running here wait.
 */
export class OutboxDispatcher {
  private readonly channels = new Map<string, Channel>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly intervalMs: number;
  private readonly retryDelayMs: number;
  private readonly report: Report;
  private readonly leaseMs: number;
  private readonly batch: number;

  constructor(
    private readonly log: QuestionLog,
    channels: readonly Channel[],
    options: OutboxOptions = {},
  ) {
    for (const channel of channels) this.channels.set(channel.name, channel);
    this.intervalMs = options.intervalMs ?? 2_000;
    this.retryDelayMs = options.retryDelayMs ?? 30_000;
    this.report = options.report ?? toStderr;
    this.leaseMs = options.leaseMs ?? 120_000;
    this.batch = options.batch ?? 50;
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
    if (this.channels.size === 0) return;
    let claimed: OutboxMessage[];
    try {
      claimed = await this.log.claimOutbox([...this.channels.keys()], { limit: this.batch, leaseMs: this.leaseMs });
    } catch (error) {
      if (!(error instanceof QuestionLogError)) throw error;
      this.report(`talentbot: ${error.message}`);
      return;
    }
    for (const message of claimed) {
      const channel = this.channels.get(message.channel);
      if (channel) await this.deliverOne(channel, message);
    }
  }

  private async deliverOne(channel: Channel, message: OutboxMessage): Promise<void> {
    let sendError: unknown;
    try {
      const question = await this.questionOf(message);
      await channel.send(message.conversationId, { text: staffReplyText(question, message.text) });
    } catch (error) {
      sendError = error;
    }
    try {
      if (sendError === undefined) {
        await this.log.markSent(message.id);
      } else {
        await this.log.markFailed(message.id, sendError, this.retryDelayMs * (message.attempts + 1));
        this.report(`talentbot: could not deliver staff reply ${message.id} (group ${message.groupId}) on ${channel.name} to ${message.conversationId}: ${describe(sendError)}; will retry`);
      }
    } catch (error) {
      if (!(error instanceof QuestionLogError)) throw error;
      this.report(`talentbot: ${error.message}`);
    }
  }

  /** What this asker asked (masked), so the reply makes sense days later. */
  private async questionOf(message: OutboxMessage): Promise<string | undefined> {
    const entries = (await this.log.getGroup(message.groupId))?.entries ?? [];
    const own = entries.filter((e) => e.channel === message.channel && e.conversationId === message.conversationId && e.reason !== "human");
    return own.at(-1)?.text;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
