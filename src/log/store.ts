import type { MonthlyReport } from "./report.js";
import type { GroupStatus, LoggedQuestion, Outcome, OutboxMessage, QuestionGroup, Similarity } from "./types.js";

/**
 * The question log's storage, as the operations the log performs. Every
 * implementation (MemoryStore, EmbeddedStore = lowdb files, PgStore =
 * PostgreSQL) passes the same contract suite (tests/log/contract.ts).
 *
 * Callers (QuestionLog) validate and mask; a store only keeps what it is
 * given, makes each operation atomic, and resolves once the change is
 * durable for that store. Reads return copies.
 *
 * Stores with `shared: true` may be used by several processes at once
 * (replicas): every operation is then safe against the others (see
 * DESIGN.md, "Storage contract").
 */
export interface LogStore {
  /** Names the storage in messages: a file path, or the database without its password. */
  readonly location: string;
  /** "embedded" (files in the data directory), "postgres", or "memory" (tests). */
  readonly kind: "embedded" | "postgres" | "memory";
  /** Several processes may use this store at once. */
  readonly shared: boolean;
  /** Problems found while opening (e.g. a corrupt file moved aside). Print them loudly. */
  readonly warnings: readonly string[];
  /** The same problems in Chinese, for staff (the console's notices): what happened and what to do. */
  readonly staffWarnings: readonly string[];

  /**
   * Stores one question and assigns its group atomically: it joins the most
   * similar open group (not a 人工 group) at similarity ≥ threshold, or starts
   * a new group; a "human" question always starts its own group.
   */
  recordQuestion(question: NewQuestion, grouping: GroupingRule): Promise<LoggedQuestion>;
  /** Adds one handled message to the day's counters (local date "YYYY-MM-DD"). */
  countOutcome(day: string, outcome: Outcome, faqId?: string): Promise<void>;

  /** Groups for staff, most asked first, then most recently asked. `since`: ISO time. */
  listGroups(filter?: { status?: GroupStatus; since?: string }): Promise<QuestionGroup[]>;
  getGroup(groupId: string): Promise<{ group: QuestionGroup; entries: LoggedQuestion[] } | undefined>;
  /**
   * The asker of `entryId` asked for a person about that same question: the entry's reason
   * becomes "human" in its group (counts moved). Undefined when the entry is gone or its group
   * is no longer open (then the request is recorded as a new question).
   */
  escalate(entryId: string, at: string): Promise<LoggedQuestion | undefined>;
  /** Staff closed the group (promoted to an FAQ, or dismissed). Undefined if there is no such group. */
  setGroupStatus(groupId: string, change: StatusChange, at: string): Promise<QuestionGroup | undefined>;
  /**
   * Marks the group replied and queues one outbox message per distinct
   * (channel, conversationId) among its questions that still have one.
   * Undefined if there is no such group.
   */
  reply(groupId: string, text: string, at: string): Promise<{ group: QuestionGroup; messages: OutboxMessage[] } | undefined>;

  /** Unsent messages with attempts < maxAttempts, oldest first, leased or not. */
  pendingOutbox(filter: { channel?: string; groupId?: string; maxAttempts: number }): Promise<OutboxMessage[]>;
  /**
   * Leases up to `limit` deliverable messages for `owner` until now + leaseMs:
   * unsent, attempts < maxAttempts, on one of `channels`, not leased by
   * anyone (or the lease expired), retry time reached. While the lease
   * runs, no other claim returns the message.
   */
  claimOutbox(claim: OutboxClaim): Promise<OutboxMessage[]>;
  /**
   * Ends a claim: sent, or failed (attempts + 1, retried from `retryAt`).
   * Throws QuestionLogError for an unknown message. Returns false when the
   * message was no longer leased by `owner` (the lease expired and another
   * process took it); the result is recorded anyway.
   */
  completeOutbox(messageId: string, owner: string | undefined, result: OutboxResult): Promise<boolean>;

  monthlyReport(month: string): Promise<MonthlyReport>;
  /** FAQ hits summed over every counted day, or those on or after local date `since`. */
  faqHits(since?: string): Promise<Record<string, number>>;
  /**
   * Entries asked before `cutoff` (ISO) lose conversationId, senderId and
   * senderName; outbox messages created before it are deleted. Returns how
   * many entries were anonymised.
   */
  applyRetention(cutoff: string): Promise<number>;

  /**
   * Takes a named lock held for as long as this store is open (PostgreSQL:
   * a session advisory lock). False if another process holds it. For
   * "only one replica long-polls Telegram".
   */
  tryExclusive(name: string): Promise<boolean>;
  /** Waits for pending writes. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** A question as the log hands it to the store: masked, timed, without id and group. */
export type NewQuestion = Omit<LoggedQuestion, "id" | "groupId">;

export interface GroupingRule {
  similarity: Similarity;
  threshold: number;
}

export type StatusChange = { status: "promoted"; promotedTo: string } | { status: "dismissed"; reason: string };

export interface OutboxClaim {
  channels: readonly string[];
  /** Who claims, unique per process (e.g. host:pid:random). */
  owner: string;
  leaseMs: number;
  limit: number;
  maxAttempts: number;
}

export type OutboxResult = { sent: true; at: string } | { sent: false; error: string; retryAt: string };
