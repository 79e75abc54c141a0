import type { QuestionLog } from "../log/question-log.js";
import { maskPersonalData } from "../log/mask.js";
import type { Respond } from "./channel.js";
import { Composer } from "./composer.js";
import { Context, type BotServices, type BotSettings } from "./context.js";
import { ConversationStore, DEFAULT_CONVERSATION_TTL_MS } from "./conversation.js";
import type { AnswerEngine } from "./engine.js";
import type { IncomingMessage, Reply } from "./message.js";
import { KeyedQueue } from "./keyed-queue.js";
import { toStderr, type Report } from "./report.js";
import { pendingQuestion } from "./eligibility/stage.js";
import { EligibilityTally, type EligibilityCounter } from "./eligibility/tally.js";
import { DEFAULT_RATE_LIMIT, RateLimiter, type RateLimitOptions } from "./rate-limit.js";
import { MAX_QUESTION_CHARS } from "./reply-text.js";
import type { StaffPort } from "./staff-port.js";
import { BUSY_TEXT } from "./wording.js";

export const DEFAULT_BOT_SETTINGS: BotSettings = { maxMessageChars: MAX_QUESTION_CHARS };

export interface BotOptions {
  /** The current engine; called once per message, so a reloaded knowledge base applies to the next one. */
  engine: () => AnswerEngine;
  /** Where questions and statistics go. Default: none (nothing is recorded). */
  log?: QuestionLog;
  /** Default 500 characters. */
  maxMessageChars?: number;
  /** Default 10 messages per 30 s per sender; the console is exempt. */
  rateLimit?: Partial<RateLimitOptions>;
  /** How long choices and pending feedback are remembered. Default 10 minutes. */
  conversationTtlMs?: number;
  /** What `/pending` and `/reply` work on (the runtime's LogDesk). Default: none (staff are told the commands are unavailable). */
  staff?: StaffPort;
  /** Counts of the eligibility check's results. Default: in memory. */
  eligibility?: EligibilityCounter;
  /** Clock, for tests. */
  now?: () => Date;
  /** The operator's lines: a question-log write failed (disk full, …), a message failed and no error handler is set. Default: stderr. */
  report?: Report;
}

/**
 * A message could not be handled. The user got BUSY_TEXT; `cause` is what failed.
 * The text in the message is masked: it may be printed or stored.
 */
export class BotError extends Error {
  override readonly name = "BotError";
  constructor(
    readonly incoming: IncomingMessage,
    options: { cause: unknown },
  ) {
    const what = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(`handling a message on ${incoming.channel} (conversation ${incoming.conversationId}) failed: ${what}`, options);
  }

  /** The user's text with personal data masked, for the error record. */
  get maskedText(): string {
    return maskPersonalData(this.incoming.text);
  }
}

export type ErrorHandler = (error: BotError) => void | Promise<void>;

/**
 * The conversation core: a middleware chain (see stages/index.ts for the standard one) run
 * once per message with one Context, inside one error boundary. Messages of one
 * conversation are handled one after another, so "1" cannot overtake the question it picks from.
 */
export class Bot extends Composer<Context> {
  readonly services: BotServices;
  private readonly engine: () => AnswerEngine;
  private readonly report: Report;
  private errorHandler: ErrorHandler = (error) => {
    this.report(`talentbot: ${error.message}`);
  };
  /** One queue per conversation. */
  private readonly queue = new KeyedQueue();

  constructor(options: BotOptions) {
    super();
    const now = options.now ?? (() => new Date());
    this.engine = options.engine;
    const report = options.report ?? toStderr;
    this.report = report;
    this.services = {
      settings: { ...DEFAULT_BOT_SETTINGS, ...(options.maxMessageChars === undefined ? {} : { maxMessageChars: options.maxMessageChars }) },
      log: options.log,
      conversations: new ConversationStore({ ttlMs: options.conversationTtlMs ?? DEFAULT_CONVERSATION_TTL_MS, now }),
      rateLimiter: new RateLimiter({ ...DEFAULT_RATE_LIMIT, ...options.rateLimit }),
      eligibility: options.eligibility ?? EligibilityTally.inMemory(),
      now,
      reportLogError: (error) => report(`talentbot: ${error.message} (the bot keeps answering)`),
      report,
      staff: options.staff,
    };
  }

  /** Sets the error handler (grammY's bot.catch). It runs after the user got BUSY_TEXT. */
  catch(handler: ErrorHandler): this {
    this.errorHandler = handler;
    return this;
  }

  /**
   * Handles one message: replies go to `respond` as they are made and are also returned.
   * Never rejects: a failure becomes BUSY_TEXT for the user and a BotError for the handler.
   */
  handle(message: IncomingMessage, respond: Respond = async () => {}): Promise<Reply[]> {
    const key = ConversationStore.keyOf(message);
    return this.queue.run(key, () => this.handleNow(message, respond, key));
  }

  /**
   * The question a running eligibility check in this conversation waits for, asked again
   * (`unsaved`), or undefined: for a channel that shows a transcript again (the web page after a
   * reload), which does not keep the check's questions.
   */
  pendingQuestion(address: Pick<IncomingMessage, "channel" | "conversationId" | "senderId" | "isGroup">): Reply | undefined {
    return pendingQuestion(this.engine().kb.eligibility, this.services.conversations.peek(ConversationStore.keyOf(address)));
  }

  /** Settles when every message received so far is handled. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private async handleNow(message: IncomingMessage, respond: Respond, key: string): Promise<Reply[]> {
    let ctx: Context | undefined;
    try {
      ctx = new Context(message, this.engine(), this.services, respond, key);
      await this.run(ctx);
      return ctx.replies;
    } catch (cause) {
      const error = new BotError(message, { cause });
      const replies = ctx?.replies ?? [];
      // A reply that already went out stays the answer; only a silent failure gets BUSY_TEXT.
      if (replies.length === 0) {
        const busy = { text: BUSY_TEXT };
        replies.push(busy);
        await respond(busy).catch(() => undefined); // the channel itself may be what failed
      }
      try {
        await this.errorHandler(error);
      } catch (handlerError) {
        this.report(`talentbot: the error handler failed too: ${String(handlerError)}; first error: ${error.message}`);
      }
      return replies;
    }
  }
}
