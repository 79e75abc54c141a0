import type { FaqCandidate } from "../log/types.js";
import type { TopicContext } from "./topic.js";
import type { DialogueState } from "./eligibility/dialogue.js";
import type { IncomingMessage, ReplyChoice } from "./message.js";

/** What the bot remembers about one conversation between two messages. */
export interface ConversationState {
  /** Choices offered by the last `suggested` reply; "1", "2", … or the label picks one. */
  choices?: ReplyChoice[];
  /** The last answered FAQ, waiting for 有帮助 / 没帮助. */
  feedbackFor?: { faqId: string; question: string; normalized: string; candidates: FaqCandidate[] };
  /** The last policy question asked, so 人工 can hand it to staff. */
  lastQuestion?: { text: string; normalized: string; candidates: FaqCandidate[] /** Its entry in the question log, once logged. */; loggedAs?: string };
  /** The subject so far, for follow-up questions (那D类呢？). */
  topic?: TopicContext;
  /** A running eligibility check (its answers are kept here only, and expire with the rest). */
  eligibility?: DialogueState;
}

export interface ConversationStoreOptions {
  /** State older than this is forgotten: "1" an hour later means nothing. Default 10 minutes. */
  ttlMs?: number;
  now?: () => Date;
}

export const DEFAULT_CONVERSATION_TTL_MS = 10 * 60 * 1000;

/**
 * Per-conversation state in memory, with expiry. Restarting the bot forgets it, which is
 * fine: it only bridges a few minutes. In a group, each sender has their own state, so one
 * person's "1" does not pick from another person's suggestions.
 */
export class ConversationStore {
  private readonly states = new Map<string, { state: ConversationState; touchedAt: number }>();
  private readonly ttlMs: number;
  private readonly now: () => Date;
  private lastSweep = 0;

  constructor(options: ConversationStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_CONVERSATION_TTL_MS;
    this.now = options.now ?? (() => new Date());
  }

  static keyOf(message: Pick<IncomingMessage, "channel" | "conversationId" | "senderId" | "isGroup">): string {
    const parts = [message.channel, message.conversationId, ...(message.isGroup ? [message.senderId] : [])];
    return JSON.stringify(parts);
  }

  /** The live state for `key` (a fresh one if none or expired); marks it used now. */
  get(key: string): ConversationState {
    const now = this.now().getTime();
    this.sweep(now);
    const held = this.states.get(key);
    if (held && now - held.touchedAt <= this.ttlMs) {
      held.touchedAt = now;
      return held.state;
    }
    const fresh: ConversationState = {};
    this.states.set(key, { state: fresh, touchedAt: now });
    return fresh;
  }

  /** The live state for `key` without creating or touching one (for a look from outside a message). */
  peek(key: string): ConversationState | undefined {
    const held = this.states.get(key);
    return held && this.now().getTime() - held.touchedAt <= this.ttlMs ? held.state : undefined;
  }

  get size(): number {
    return this.states.size;
  }

  /** Drops expired states now and then, so a long-running bot does not grow without bound. */
  private sweep(now: number): void {
    if (now - this.lastSweep < this.ttlMs) return;
    this.lastSweep = now;
    for (const [key, held] of this.states) if (now - held.touchedAt > this.ttlMs) this.states.delete(key);
  }
}
