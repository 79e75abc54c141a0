import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { CsvRow } from "./csv.js";
import { DAY_MS, localDateKey } from "./dates.js";
import { QuestionLogError, errorMessage } from "./errors.js";
import { asQuestionLogError, assertOutcome, assertReason, closedError, maskedQuestion, monthProblem, noGroupError, storeGroupFilter } from "./question-input.js";
import { DEFAULT_MAX_SEND_ATTEMPTS, DEFAULT_OUTBOX_LEASE_MS, openStore, type CommonOptions, type GroupFilter, type GroupWithEntries, type QuestionLogOptions } from "./question-log-options.js";
import { monthlyReportRows, type MonthlyReport } from "./report.js";
import { DEFAULT_GROUP_THRESHOLD, bigramDice } from "./similarity.js";
import type { GroupingRule, LogStore } from "./store.js";
import type { LoggedQuestion, Outcome, OutboxMessage, QuestionGroup, QuestionToRecord } from "./types.js";

// The options and opening are in question-log-options.ts, the checks and masking in question-input.ts.
export { DEFAULT_MAX_SEND_ATTEMPTS, DEFAULT_OUTBOX_LEASE_MS, type GroupFilter, type GroupWithEntries, type QuestionLogOptions } from "./question-log-options.js";

/**
 * The question log: every question the bot could not answer confidently,
 * grouped for staff, plus daily statistics and the outbox of staff replies.
 *
 * It validates, masks and times what it is given and hands each operation to
 * its LogStore (src/log/store.ts): the embedded lowdb files (one process per
 * data directory, `questions.json.lock`), or PostgreSQL (any number of
 * replicas). Methods that change something resolve once the change is
 * durable and reject with QuestionLogError if it is not (callers report it
 * and keep answering). Reading methods return copies.
 */
export class QuestionLog {
  private readonly now: () => Date;
  private readonly grouping: GroupingRule;
  private readonly retentionDays: number;
  private readonly maxSendAttempts: number;
  /** This process, as the owner of outbox leases. */
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  private retentionTimer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly store: LogStore,
    options: CommonOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.grouping = { similarity: options.similarity ?? bigramDice, threshold: options.groupThreshold ?? DEFAULT_GROUP_THRESHOLD };
    this.retentionDays = options.retentionDays;
    this.maxSendAttempts = options.maxSendAttempts ?? DEFAULT_MAX_SEND_ATTEMPTS;
    const report = options.report ?? ((line: string) => void process.stderr.write(`${line}\n`));
    // Retention also runs daily for a bot that stays up for months; unref: never keeps the process alive.
    this.retentionTimer = setInterval(() => {
      this.applyRetention().catch((error: unknown) => report(`talentbot: ${asQuestionLogError(error, this.location).message}`));
    }, DAY_MS);
    this.retentionTimer.unref();
  }

  /** Opens (or creates) the log, takes the lock (embedded) or migrates the schema (PostgreSQL), and applies retention. */
  static async open(options: QuestionLogOptions): Promise<QuestionLog> {
    // A programming error, not a storage one: say it before anything is opened.
    if (!(Number.isFinite(options.retentionDays) && options.retentionDays > 0))
      throw new TypeError(`QuestionLog.open: retentionDays must be a positive number of days (bot.yaml retentionDays), not ${String(options.retentionDays)}`);
    const store = options.storage ?? (await openStore(options));
    try {
      const log = new QuestionLog(store, options);
      try {
        await log.applyRetention();
      } catch (error) {
        await log.close().catch(() => undefined);
        throw error;
      }
      return log;
    } catch (error) {
      await store.close().catch(() => undefined);
      throw asQuestionLogError(error, store.location);
    }
  }

  /** The file or database behind this log, for messages. */
  get location(): string {
    return this.store.location;
  }

  /** "embedded", "postgres" or "memory". */
  get kind(): LogStore["kind"] {
    return this.store.kind;
  }

  /** Several bot processes may share this log (PostgreSQL). */
  get shared(): boolean {
    return this.store.shared;
  }

  /** Problems found while opening (e.g. a corrupt file moved aside). Print them loudly. */
  get warnings(): readonly string[] {
    return this.store.warnings;
  }

  /** The same in Chinese, for the staff console. */
  get staffWarnings(): readonly string[] {
    return this.store.staffWarnings;
  }

  /** The store itself, for what shares its database (the web chat history on PostgreSQL). */
  get storage(): LogStore {
    return this.store;
  }

  /**
   * Stores a question for staff. Text, normalised text and sender name are
   * masked first. The question joins the most similar open group (similarity
   * ≥ groupThreshold against the group's representative or variants) or
   * starts a new one. Does not touch the counters: call count() for that.
   */
  async record(question: QuestionToRecord): Promise<LoggedQuestion> {
    this.assertOpen();
    assertReason(question, this.location);
    return this.run(() =>
      this.store.recordQuestion(
        maskedQuestion(question, () => this.now().toISOString()),
        this.grouping,
      ),
    );
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
    return this.store.escalate(entryId, this.now().toISOString());
  }

  /**
   * Counts one handled message for the daily statistics (local date).
   * Every outcome except "unhelpful" (feedback, not a message) also counts
   * as one of the day's questions; "answered" with a faqId counts a hit for
   * that FAQ. Stores no text.
   */
  async count(outcome: Outcome, faqId?: string): Promise<void> {
    this.assertOpen();
    assertOutcome(outcome, this.location);
    await this.run(() => this.store.countOutcome(localDateKey(this.now()), outcome, faqId));
  }

  /** Groups for staff, most asked first, then most recently asked. */
  listGroups(filter: GroupFilter = {}): Promise<QuestionGroup[]> {
    return this.run(() => this.store.listGroups(storeGroupFilter(filter)));
  }

  getGroup(groupId: string): Promise<GroupWithEntries | undefined> {
    return this.run(() => this.store.getGroup(groupId));
  }

  /**
   * Answers a group: queues one outbox message per distinct
   * (channel, conversationId) among its questions that still has a
   * conversation id, and marks the group replied. The text is stored as
   * written (not masked). Returns the queued messages.
   */
  async reply(groupId: string, text: string): Promise<OutboxMessage[]> {
    this.assertOpen();
    if (text.trim() === "") {
      await this.requireGroup(groupId);
      throw new QuestionLogError(`question log: the reply to group ${groupId} in ${this.location} is empty; write a reply text.`);
    }
    const result = await this.run(() => this.store.reply(groupId, text, this.now().toISOString()));
    if (!result) throw noGroupError(groupId, this.location);
    return result.messages;
  }

  /** Unsent messages that have not used up their attempts, oldest first. */
  pendingOutbox(channel?: string): Promise<OutboxMessage[]> {
    return this.run(() => this.store.pendingOutbox({ maxAttempts: this.maxSendAttempts, ...(channel === undefined ? {} : { channel }) }));
  }

  /** Unsent messages of one group. */
  pendingForGroup(groupId: string): Promise<OutboxMessage[]> {
    return this.run(() => this.store.pendingOutbox({ maxAttempts: this.maxSendAttempts, groupId }));
  }

  /**
   * Reserves deliverable messages on these channels for this process (see
   * LogStore.claimOutbox): no other replica gets them until the lease ends.
   */
  claimOutbox(channels: readonly string[], options: { limit?: number; leaseMs?: number } = {}): Promise<OutboxMessage[]> {
    this.assertOpen();
    return this.run(() =>
      this.store.claimOutbox({
        channels,
        owner: this.owner,
        leaseMs: options.leaseMs ?? DEFAULT_OUTBOX_LEASE_MS,
        limit: options.limit ?? 50,
        maxAttempts: this.maxSendAttempts,
      }),
    );
  }

  /** Delivered. False if this process's lease had run out (another may have sent it too). */
  async markSent(messageId: string): Promise<boolean> {
    this.assertOpen();
    return this.run(() => this.store.completeOutbox(messageId, this.owner, { sent: true, at: this.now().toISOString() }), true);
  }

  /** A delivery attempt failed; offered again after `retryDelayMs` (default at once). */
  async markFailed(messageId: string, error: unknown, retryDelayMs = 0): Promise<boolean> {
    this.assertOpen();
    const retryAt = new Date(this.now().getTime() + retryDelayMs).toISOString();
    return this.run(() => this.store.completeOutbox(messageId, this.owner, { sent: false, error: errorMessage(error), retryAt }), true);
  }

  /** Staff turned the group into FAQ `faqId`. */
  async markPromoted(groupId: string, faqId: string): Promise<QuestionGroup> {
    this.assertOpen();
    const group = await this.run(() => this.store.setGroupStatus(groupId, { status: "promoted", promotedTo: faqId }, this.now().toISOString()));
    if (!group) throw noGroupError(groupId, this.location);
    return group;
  }

  /** Staff decided the group needs no answer (spam, off topic, …). */
  async dismiss(groupId: string, reason: string): Promise<QuestionGroup> {
    this.assertOpen();
    const group = await this.run(() => this.store.setGroupStatus(groupId, { status: "dismissed", reason }, this.now().toISOString()));
    if (!group) throw noGroupError(groupId, this.location);
    return group;
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
    return this.run(() => this.store.applyRetention(cutoff));
  }

  /** Statistics for local month "YYYY-MM". */
  monthlyReport(month: string): Promise<MonthlyReport> {
    const problem = monthProblem(month);
    if (problem) return Promise.reject(problem);
    return this.run(() => this.store.monthlyReport(month));
  }

  /** How often each FAQ was given as the answer, summed over every counted day (or those on or after local date `since`, "YYYY-MM-DD"). */
  faqHits(since?: string): Promise<Record<string, number>> {
    return this.run(() => this.store.faqHits(since));
  }

  /** The monthly report as CSV rows; turn them into a file with toCsv(). */
  async exportMonth(month: string): Promise<CsvRow[]> {
    return monthlyReportRows(await this.monthlyReport(month));
  }

  /** A named lock for this process while the log is open (PostgreSQL: an advisory lock on the session); false if another process holds it. */
  tryExclusive(name: string): Promise<boolean> {
    return this.run(() => this.store.tryExclusive(name));
  }

  /** Resolves when every change so far is durable. */
  async flush(): Promise<void> {
    await this.run(() => this.store.flush());
  }

  /** Saves what is pending and releases the lock (or the database connections). Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.retentionTimer);
    this.retentionTimer = undefined;
    this.closed = true;
    try {
      await this.run(() => this.store.flush(), true);
    } finally {
      await this.store.close();
    }
  }

  private async run<T>(operation: () => Promise<T>, allowClosed = false): Promise<T> {
    if (!allowClosed) this.assertOpen();
    try {
      return await operation();
    } catch (error) {
      throw asQuestionLogError(error, this.location);
    }
  }

  private async requireGroup(groupId: string): Promise<GroupWithEntries> {
    const found = await this.getGroup(groupId);
    if (!found) throw noGroupError(groupId, this.location);
    return found;
  }

  private assertOpen(): void {
    if (this.closed) throw closedError(this.location);
  }
}
