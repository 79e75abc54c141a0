import type { KnowledgeBase } from "../knowledge/types.js";
import type { QuestionLog } from "../log/question-log.js";
import type { QuestionLogError } from "../log/errors.js";
import type { FaqCandidate, Outcome, QuestionReason } from "../log/types.js";
import type { Respond } from "./channel.js";
import type { ConversationState, ConversationStore } from "./conversation.js";
import type { AnswerEngine } from "./engine.js";
import type { EligibilityCounter } from "./eligibility/tally.js";
import type { IncomingMessage, Reply } from "./message.js";
import type { RateLimiter } from "./rate-limit.js";
import type { Report } from "./report.js";
import type { StaffPort } from "./staff-port.js";
import type { SlashCommand } from "./stages/slash-commands.js";

/** What the log stage writes for one message; set by the stage that handled it. */
export interface MessageOutcome {
  /** Counted once in the day's statistics. */
  count: Outcome;
  /** For "answered": the FAQ given (a hit for the statistics). */
  faqId?: string;
  /** Set when staff should see the question. `escalates`: the entry this asker's 人工 is about (updated, not duplicated). */
  record?: { reason: QuestionReason; text: string; normalized: string; candidates: FaqCandidate[]; faqId?: string; escalates?: string };
  /** Called with the logged entry's id once the record is stored (the conversation remembers it for 人工). */
  onRecorded?: (entryId: string) => void;
}

/** Plain settings of the conversation core; see DEFAULT_BOT_SETTINGS for the defaults. */
export interface BotSettings {
  /** Longer messages get a request to shorten. Default 500 characters. */
  maxMessageChars: number;
}

/** Shared by every message the bot handles. */
export interface BotServices {
  settings: BotSettings;
  /** Absent when the bot runs without a log (nothing is recorded). */
  log: QuestionLog | undefined;
  conversations: ConversationStore;
  rateLimiter: RateLimiter;
  /** How often each benefit of the eligibility check was checked and applied (counts only). */
  eligibility: EligibilityCounter;
  now: () => Date;
  /** A log write failed: the reply went out, the operator must hear about it. */
  reportLogError: (error: QuestionLogError) => void;
  /** The operator's lines (a refused staff command names its sender, so the operator can add them). */
  report: Report;
  /** Staff work on the bot's own log for `/pending` and `/reply`; absent: those commands say they are unavailable. */
  staff: StaffPort | undefined;
}

/** One message on its way through the pipeline (grammY's Context). */
export class Context {
  /** The message text, trimmed, invisible characters removed (set by the normalise stage). */
  text: string;
  /** Comparison form of the text (NFKC, simplified, lower case, no punctuation) for commands and choices. */
  key = "";
  /** The message as a slash command (`/help`, `/reply g3 …`), set by the normalise stage; undefined for anything else. */
  command: SlashCommand | undefined;
  outcome: MessageOutcome | undefined;
  readonly replies: Reply[] = [];
  private stateCache: ConversationState | undefined;

  constructor(
    readonly message: IncomingMessage,
    /** The engine for this message: a reload in the middle does not switch engines mid-message. */
    readonly engine: AnswerEngine,
    readonly services: BotServices,
    private readonly respond: Respond,
    private readonly conversationKey: string,
  ) {
    this.text = message.text;
  }

  get kb(): KnowledgeBase {
    return this.engine.kb;
  }

  /** This conversation's state (fresh after the expiry time). */
  get conversation(): ConversationState {
    return (this.stateCache ??= this.services.conversations.get(this.conversationKey));
  }

  /** Sends a reply at once (before the log stage writes), and remembers it. */
  async reply(reply: Reply | string): Promise<void> {
    const r = typeof reply === "string" ? { text: reply } : reply;
    this.replies.push(r);
    await this.respond(r);
  }

  get replied(): boolean {
    return this.replies.length > 0;
  }
}
