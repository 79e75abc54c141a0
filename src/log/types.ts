/**
 * Shapes stored in `<dataDir>/questions.json`.
 *
 * File format (schemaVersion 1), one JSON object:
 *
 *   {
 *     "schemaVersion": 1,
 *     "entries":  LoggedQuestion[],   // every question that reached staff, oldest first
 *     "groups":   QuestionGroup[],    // similar questions folded together, oldest first
 *     "outbox":   OutboxMessage[],    // staff replies waiting for (or done with) delivery
 *     "counters": { "YYYY-MM-DD": DayCounters },  // statistics, never any question text
 *     "nextId":   { "entry": n, "group": n, "message": n }
 *   }
 *
 * Ids are "q<n>", "g<n>" and "m<n>", each with its own sequence so that group
 * ids that staff type stay short and consecutive.
 *
 * Everything here is plain JSON (ISO strings for times), so the file can be
 * read with any tool. Text fields are masked by maskPersonalData before they
 * are stored; staff replies are stored as written (they may rightly contain
 * an office phone number).
 */

export const SCHEMA_VERSION = 1;

/** Why a question was handed to staff. */
export type QuestionReason =
  /** The bot offered "did you mean …?" suggestions instead of an answer. */
  | "suggested"
  /** The bot could only quote a policy excerpt. */
  | "excerpt"
  /** The bot found nothing. */
  | "unanswered"
  /** The asker asked for a human. */
  | "human"
  /** The asker marked an answer as not helpful (faqId says which). */
  | "unhelpful";

export const QUESTION_REASONS: readonly QuestionReason[] = ["suggested", "excerpt", "unanswered", "human", "unhelpful"];

/** What happened to one incoming message, for the daily statistics. */
export type Outcome = "answered" | "smalltalk" | QuestionReason;

export const OUTCOMES: readonly Outcome[] = ["answered", "smalltalk", ...QUESTION_REASONS];

export interface FaqCandidate {
  faqId: string;
  score: number;
}

export interface LoggedQuestion {
  id: string;
  groupId: string;
  /** The question as asked, personal data masked. */
  text: string;
  /** The search engine's normalised form of the question, masked too. */
  normalized: string;
  /** ISO 8601 timestamp. */
  askedAt: string;
  /** Channel name, e.g. "cli", "wecom", "web". */
  channel: string;
  /** Where a staff reply can be delivered; dropped after the retention period. */
  conversationId?: string;
  /** Platform id of the asker; dropped after the retention period. */
  senderId?: string;
  /** Display name of the asker, masked; dropped after the retention period. */
  senderName?: string;
  reason: QuestionReason;
  /** The FAQ entries the engine considered, best first. */
  candidates: FaqCandidate[];
  /** For reason "unhelpful": the FAQ whose answer did not help. */
  faqId?: string;
}

export type GroupStatus = "open" | "replied" | "promoted" | "dismissed";

export interface QuestionGroup {
  id: string;
  status: GroupStatus;
  /** Text of the first question of the group (masked). */
  representative: string;
  /** Distinct texts asked in this group (masked), first MAX_GROUP_VARIANTS kept. */
  variants: string[];
  /**
   * Distinct normalised texts (masked) that new questions are compared with;
   * the representative's comes first. Capped like variants.
   */
  matchKeys: string[];
  count: number;
  firstAskedAt: string;
  lastAskedAt: string;
  /** Distinct channels the group was asked on. */
  channels: string[];
  /** How many questions arrived for each reason. */
  reasons: Partial<Record<QuestionReason, number>>;
  /** The best FAQ candidates seen across the group (highest score per FAQ), best first. */
  bestGuesses: FaqCandidate[];
  reply?: { text: string; repliedAt: string };
  /** FAQ id the group was turned into. */
  promotedTo?: string;
  dismissReason?: string;
  updatedAt: string;
}

export interface OutboxMessage {
  id: string;
  groupId: string;
  channel: string;
  conversationId: string;
  text: string;
  createdAt: string;
  /** Failed delivery attempts so far. */
  attempts: number;
  sentAt?: string;
  lastError?: string;
  /** After a failed attempt: not offered again before this ISO time. */
  notBefore?: string;
}

/** Statistics for one local calendar day. Never holds question text. */
export interface DayCounters {
  /** Every message handled except "unhelpful" feedback. */
  questions: number;
  answered: number;
  suggested: number;
  excerpt: number;
  unanswered: number;
  smalltalk: number;
  human: number;
  unhelpful: number;
  /** How often each FAQ was given as the answer ("answered" with a faqId). */
  faqHits: Record<string, number>;
}

export interface LogData {
  schemaVersion: typeof SCHEMA_VERSION;
  entries: LoggedQuestion[];
  groups: QuestionGroup[];
  outbox: OutboxMessage[];
  /** Keyed by local date "YYYY-MM-DD". */
  counters: Record<string, DayCounters>;
  nextId: { entry: number; group: number; message: number };
}

/** What a channel or the core passes to QuestionLog.record: the entry before the log assigns id, group and time. */
export type QuestionToRecord = Omit<LoggedQuestion, "id" | "groupId" | "askedAt">;

/** Returns 0 (unrelated) … 1 (same) for two normalised question texts. */
export type Similarity = (a: string, b: string) => number;
