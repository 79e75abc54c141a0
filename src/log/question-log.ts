import type { CsvRow } from "./csv.js";
import { DAY_MS, localDateKey } from "./dates.js";
import { QuestionLogError, errorMessage } from "./errors.js";
import { addToGroup, compareGroupsForStaff, findMatchingGroup, startGroup } from "./grouping.js";
import { maskPersonalData } from "./mask.js";
import { buildMonthlyReport, monthlyReportRows, type MonthlyReport } from "./report.js";
import { emptyDayCounters } from "./schema.js";
import { DEFAULT_GROUP_THRESHOLD, bigramDice } from "./similarity.js";
import { JsonFileStorage, type QuestionLogStorage } from "./storage.js";
import {
  OUTCOMES,
  QUESTION_REASONS,
  type GroupStatus,
  type LogData,
  type LoggedQuestion,
  type Outcome,
  type OutboxMessage,
  type QuestionGroup,
  type QuestionToRecord,
  type Similarity,
} from "./types.js";
import { CoalescingWriteQueue } from "./write-queue.js";

export const DEFAULT_RETENTION_DAYS = 180;
export const DEFAULT_MAX_SEND_ATTEMPTS = 5;

interface CommonOptions {
  /** Compares two normalised questions, 0…1. Default: bigramDice (character-bigram Dice). */
  similarity?: Similarity;
  /** Minimum similarity for a question to join an open group. Default 0.6. */
  groupThreshold?: number;
  /** After this many days an entry loses conversationId, senderId and senderName. Default 180. */
  retentionDays?: number;
  /** pendingOutbox() stops offering a message after this many failed attempts. Default 5. */
  maxSendAttempts?: number;
  /** Clock, for tests. */
  now?: () => Date;
  /** Failures of background work (the daily retention run). Default: console.error. */
  onBackgroundError?: (error: QuestionLogError) => void;
}

export type QuestionLogOptions =
  | (CommonOptions & { /** Directory holding questions.json and its lock. */ dataDir: string; storage?: never })
  | (CommonOptions & { /** Custom storage, e.g. MemoryStorage in tests. */ storage: QuestionLogStorage; dataDir?: never });

export interface GroupFilter {
  status?: GroupStatus;
  /** Only groups asked at or after this time. */
  since?: Date;
}

export interface GroupWithEntries {
  group: QuestionGroup;
  entries: LoggedQuestion[];
}

/**
 * The question log: every question the bot could not answer confidently,
 * grouped for staff, plus daily statistics and the outbox of staff replies.
 *
 * The state lives in memory; each change is applied at once and then saved.
 * Methods that change something resolve only after the change is on disk
 * (they reject with QuestionLogError if saving fails: callers should report
 * it and keep answering; the change stays in memory and goes out with the
 * next successful save). Reading methods return copies.
 *
 * One process per data directory: open() takes `questions.json.lock`.
 */
export class QuestionLog {
  private readonly groupsById = new Map<string, QuestionGroup>();
  private readonly entriesByGroup = new Map<string, LoggedQuestion[]>();
  private readonly queue: CoalescingWriteQueue;
  private readonly now: () => Date;
  private readonly similarity: Similarity;
  private readonly groupThreshold: number;
  private readonly retentionDays: number;
  private readonly maxSendAttempts: number;
  private retentionTimer: NodeJS.Timeout | undefined;
  private unsaved = false;
  private closed = false;

  private constructor(
    private readonly storage: QuestionLogStorage,
    private readonly data: LogData,
    /** Problems found while opening (e.g. a corrupt file moved aside). Print them loudly. */
    readonly warnings: readonly string[],
    options: CommonOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.similarity = options.similarity ?? bigramDice;
    this.groupThreshold = options.groupThreshold ?? DEFAULT_GROUP_THRESHOLD;
    this.retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
    this.maxSendAttempts = options.maxSendAttempts ?? DEFAULT_MAX_SEND_ATTEMPTS;
    this.queue = new CoalescingWriteQueue(() => this.writeNow());
    for (const group of data.groups) {
      this.groupsById.set(group.id, group);
      this.entriesByGroup.set(group.id, []);
    }
    for (const entry of data.entries) this.entriesByGroup.get(entry.groupId)?.push(entry);
    const reportBackgroundError = options.onBackgroundError ?? ((error: QuestionLogError) => console.error(error.message));
    // Retention also runs daily for a bot that stays up for months; unref: never keeps the process alive.
    this.retentionTimer = setInterval(() => {
      this.applyRetention().catch((error: unknown) => reportBackgroundError(asQuestionLogError(error, this.location)));
    }, DAY_MS);
    this.retentionTimer.unref();
  }

  /** Opens (or creates) the log, takes the lock and applies retention. */
  static async open(options: QuestionLogOptions): Promise<QuestionLog> {
    const storage = options.storage ?? (await JsonFileStorage.open(options.dataDir, options.now ? { now: options.now } : {}));
    try {
      const { data, warnings } = await storage.read();
      const log = new QuestionLog(storage, data, warnings, options);
      try {
        await log.applyRetention();
      } catch (error) {
        await log.close().catch(() => undefined);
        throw error;
      }
      return log;
    } catch (error) {
      await storage.close();
      throw asQuestionLogError(error, storage.location);
    }
  }

  /** The file (or storage) behind this log, for messages. */
  get location(): string {
    return this.storage.location;
  }

  /**
   * Stores a question for staff. Text, normalised text and sender name are
   * masked first. The question joins the most similar open group (similarity
   * ≥ groupThreshold against the group's representative or variants) or
   * starts a new one. Does not touch the counters: call count() for that.
   */
  async record(question: QuestionToRecord): Promise<LoggedQuestion> {
    this.assertOpen();
    if (!QUESTION_REASONS.includes(question.reason)) {
      throw new QuestionLogError(
        `question log: unknown reason "${String(question.reason)}" for ${this.location}; use one of ${QUESTION_REASONS.join(", ")}.`,
      );
    }
    const entry: LoggedQuestion = {
      id: `q${this.data.nextId.entry++}`,
      groupId: "",
      text: maskPersonalData(question.text),
      normalized: maskPersonalData(question.normalized),
      askedAt: this.now().toISOString(),
      channel: question.channel,
      ...(question.conversationId === undefined ? {} : { conversationId: question.conversationId }),
      ...(question.senderId === undefined ? {} : { senderId: question.senderId }),
      ...(question.senderName === undefined ? {} : { senderName: maskPersonalData(question.senderName) }),
      reason: question.reason,
      candidates: question.candidates.map(({ faqId, score }) => ({ faqId, score })),
      ...(question.faqId === undefined ? {} : { faqId: question.faqId }),
    };
    // A request for a person is one person's request: it gets its own group, so a staff reply
    // reaches that asker only, and later questions do not join it.
    const match = entry.reason === "human" ? undefined : findMatchingGroup(this.groupsById.values(), entry.normalized, this.similarity, this.groupThreshold);
    if (match) {
      entry.groupId = match.id;
      addToGroup(match, entry);
      this.entriesByGroup.get(match.id)?.push(entry);
    } else {
      entry.groupId = `g${this.data.nextId.group++}`;
      const group = startGroup(entry.groupId, entry);
      this.data.groups.push(group);
      this.groupsById.set(group.id, group);
      this.entriesByGroup.set(group.id, [entry]);
    }
    this.data.entries.push(entry);
    await this.save();
    return structuredClone(entry);
  }

  /**
   * The asker of entry `entryId` asked for a person about that same question (人工 right after
   * the bot's excerpt or "not found"): the entry becomes a request for a person, in its group,
   * instead of a second entry in a second group. One asker's one question stays one entry.
   * Returns the updated entry, or undefined when that is no longer possible (entry gone, or its
   * group already handled by staff): record the request as a new question then.
   */
  async escalate(entryId: string): Promise<LoggedQuestion | undefined> {
    this.assertOpen();
    const entry = this.data.entries.find((candidate) => candidate.id === entryId);
    const group = entry ? this.groupsById.get(entry.groupId) : undefined;
    if (!entry || !group || group.status !== "open") return undefined;
    if (entry.reason !== "human") {
      const before = group.reasons[entry.reason] ?? 0;
      if (before <= 1) delete group.reasons[entry.reason];
      else group.reasons[entry.reason] = before - 1;
      group.reasons.human = (group.reasons.human ?? 0) + 1;
      entry.reason = "human";
      group.updatedAt = this.now().toISOString();
      await this.save();
    }
    return structuredClone(entry);
  }

  /**
   * Counts one handled message for the daily statistics (local date).
   * Every outcome except "unhelpful" (feedback, not a message) also counts
   * as one of the day's questions; "answered" with a faqId counts a hit for
   * that FAQ. Stores no text.
   */
  async count(outcome: Outcome, faqId?: string): Promise<void> {
    this.assertOpen();
    if (!OUTCOMES.includes(outcome)) {
      throw new QuestionLogError(
        `question log: unknown outcome "${String(outcome)}" for ${this.location}; use one of ${OUTCOMES.join(", ")}.`,
      );
    }
    const day = localDateKey(this.now());
    const counters = (this.data.counters[day] ??= emptyDayCounters());
    counters[outcome]++;
    if (outcome !== "unhelpful") counters.questions++;
    if (outcome === "answered" && faqId !== undefined) counters.faqHits[faqId] = (counters.faqHits[faqId] ?? 0) + 1;
    await this.save();
  }

  /** Groups for staff, most asked first, then most recently asked. */
  listGroups(filter: GroupFilter = {}): QuestionGroup[] {
    const since = filter.since?.toISOString();
    return this.data.groups
      .filter((group) => filter.status === undefined || group.status === filter.status)
      .filter((group) => since === undefined || group.lastAskedAt >= since)
      .sort(compareGroupsForStaff)
      .map((group) => structuredClone(group));
  }

  getGroup(groupId: string): GroupWithEntries | undefined {
    const group = this.groupsById.get(groupId);
    if (!group) return undefined;
    return structuredClone({ group, entries: this.entriesByGroup.get(groupId) ?? [] });
  }

  /**
   * Answers a group: queues one outbox message per distinct
   * (channel, conversationId) among its questions that still has a
   * conversation id, and marks the group replied. The text is stored as
   * written (not masked). Returns the queued messages.
   */
  async reply(groupId: string, text: string): Promise<OutboxMessage[]> {
    this.assertOpen();
    const group = this.requireGroup(groupId);
    if (text.trim() === "") {
      throw new QuestionLogError(`question log: the reply to group ${groupId} in ${this.location} is empty; write a reply text.`);
    }
    const createdAt = this.now().toISOString();
    const seen = new Set<string>();
    const messages: OutboxMessage[] = [];
    for (const entry of this.entriesByGroup.get(groupId) ?? []) {
      if (entry.conversationId === undefined) continue;
      const key = JSON.stringify([entry.channel, entry.conversationId]);
      if (seen.has(key)) continue;
      seen.add(key);
      messages.push({
        id: `m${this.data.nextId.message++}`,
        groupId,
        channel: entry.channel,
        conversationId: entry.conversationId,
        text,
        createdAt,
        attempts: 0,
      });
    }
    this.data.outbox.push(...messages);
    group.status = "replied";
    group.reply = { text, repliedAt: createdAt };
    group.updatedAt = createdAt;
    await this.save();
    return structuredClone(messages);
  }

  /** Unsent messages that have not used up their attempts, oldest first. */
  pendingOutbox(channel?: string): OutboxMessage[] {
    return this.data.outbox
      .filter((message) => message.sentAt === undefined && message.attempts < this.maxSendAttempts)
      .filter((message) => channel === undefined || message.channel === channel)
      .map((message) => structuredClone(message));
  }

  async markSent(messageId: string): Promise<void> {
    this.assertOpen();
    const message = this.requireMessage(messageId);
    message.sentAt = this.now().toISOString();
    delete message.lastError;
    await this.save();
  }

  async markFailed(messageId: string, error: unknown): Promise<void> {
    this.assertOpen();
    const message = this.requireMessage(messageId);
    message.attempts++;
    message.lastError = errorMessage(error);
    await this.save();
  }

  /** Staff turned the group into FAQ `faqId`. */
  async markPromoted(groupId: string, faqId: string): Promise<QuestionGroup> {
    this.assertOpen();
    const group = this.requireGroup(groupId);
    group.status = "promoted";
    group.promotedTo = faqId;
    group.updatedAt = this.now().toISOString();
    await this.save();
    return structuredClone(group);
  }

  /** Staff decided the group needs no answer (spam, off topic, …). */
  async dismiss(groupId: string, reason: string): Promise<QuestionGroup> {
    this.assertOpen();
    const group = this.requireGroup(groupId);
    group.status = "dismissed";
    group.dismissReason = reason;
    group.updatedAt = this.now().toISOString();
    await this.save();
    return structuredClone(group);
  }

  /**
   * Forgets who asked: entries older than retentionDays lose conversationId,
   * senderId and senderName (the masked text stays, staff need it to improve
   * the FAQ); outbox messages created before then are deleted, as they hold
   * conversation ids. Runs on open and daily. Returns how many entries were
   * anonymised.
   */
  async applyRetention(): Promise<number> {
    this.assertOpen();
    const cutoff = new Date(this.now().getTime() - this.retentionDays * DAY_MS).toISOString();
    let anonymised = 0;
    for (const entry of this.data.entries) {
      if (entry.askedAt >= cutoff) continue;
      if (entry.conversationId === undefined && entry.senderId === undefined && entry.senderName === undefined) continue;
      delete entry.conversationId;
      delete entry.senderId;
      delete entry.senderName;
      anonymised++;
    }
    const outboxBefore = this.data.outbox.length;
    this.data.outbox = this.data.outbox.filter((message) => message.createdAt >= cutoff);
    if (anonymised > 0 || this.data.outbox.length !== outboxBefore) await this.save();
    return anonymised;
  }

  /** Statistics for local month "YYYY-MM". */
  monthlyReport(month: string): MonthlyReport {
    const report = buildMonthlyReport(this.data, month);
    if (report === null) {
      throw new QuestionLogError(`question log: "${month}" is not a month; write it as YYYY-MM, e.g. 2024-03.`);
    }
    return report;
  }

  /** How often each FAQ was given as the answer, summed over every counted day (or those on or after local date `since`, "YYYY-MM-DD"). */
  faqHits(since?: string): Record<string, number> {
    const hits: Record<string, number> = {};
    for (const [day, counters] of Object.entries(this.data.counters)) {
      if (since !== undefined && day < since) continue;
      for (const [faqId, n] of Object.entries(counters.faqHits)) hits[faqId] = (hits[faqId] ?? 0) + n;
    }
    return hits;
  }

  /** The monthly report as CSV rows; turn them into a file with toCsv(). */
  exportMonth(month: string): CsvRow[] {
    return monthlyReportRows(this.monthlyReport(month));
  }

  /** Resolves when every change so far is on disk. */
  async flush(): Promise<void> {
    await this.queue.idle();
    if (this.unsaved) await this.save();
  }

  /** Saves what is pending and releases the lock. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.retentionTimer);
    this.retentionTimer = undefined;
    try {
      await this.flush();
    } finally {
      this.closed = true;
      await this.storage.close();
    }
  }

  private save(): Promise<void> {
    this.unsaved = true;
    return this.queue.save();
  }

  private async writeNow(): Promise<void> {
    // Cleared before writing: changes made during the write set it again.
    this.unsaved = false;
    try {
      await this.storage.write(this.data);
    } catch (error) {
      this.unsaved = true;
      throw asQuestionLogError(error, this.location);
    }
  }

  private requireGroup(groupId: string): QuestionGroup {
    const group = this.groupsById.get(groupId);
    if (!group) {
      throw new QuestionLogError(`question log: there is no question group "${groupId}" in ${this.location}; list the groups to find its id.`);
    }
    return group;
  }

  private requireMessage(messageId: string): OutboxMessage {
    const message = this.data.outbox.find((candidate) => candidate.id === messageId);
    if (!message) {
      throw new QuestionLogError(
        `question log: there is no outbox message "${messageId}" in ${this.location}; it may have been removed by retention. Take ids from pendingOutbox().`,
      );
    }
    return message;
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new QuestionLogError(`question log: ${this.location} was closed; open the log again (QuestionLog.open) to use it.`);
    }
  }
}


function asQuestionLogError(error: unknown, location: string): QuestionLogError {
  if (error instanceof QuestionLogError) return error;
  return new QuestionLogError(`question log: storage ${location} failed: ${errorMessage(error)}. Check the data directory.`, {
    cause: error,
  });
}
