import { QuestionLogError } from "./errors.js";
import { addToGroup, compareGroupsForStaff, findMatchingGroup, startGroup } from "./grouping.js";
import { moveReason, replyTargets, unknownMessage } from "./store-rules.js";
import { buildMonthlyReport, type MonthlyReport } from "./report.js";
import { emptyDayCounters, emptyLogData } from "./schema.js";
import type { GroupingRule, LogStore, NewQuestion, OutboxClaim, OutboxResult, StatusChange } from "./store.js";
import type { DayCounters, GroupStatus, LogData, LoggedQuestion, Outcome, OutboxMessage, QuestionGroup } from "./types.js";

/** What one operation changed, so a persistent subclass knows what to write. */
export interface StoreChange {
  entries?: LoggedQuestion[];
  groups?: string[];
  outbox?: string[];
  counters?: string[];
  /** The count that changed the counters (one line of the embedded store's journal). */
  countOp?: { day: string; outcome: Outcome; faqId?: string };
  /** Entries whose stored form changed (retention). */
  rewrittenEntries?: LoggedQuestion[];
  removedOutbox?: OutboxMessage[];
}

/**
 * The whole log in memory, with every operation of the LogStore contract.
 * MemoryStore (tests) persists nothing; EmbeddedStore extends it and writes
 * each change through `persist`. Single process only: leases live in memory.
 */
export class InMemoryLogStore implements LogStore {
  readonly kind: LogStore["kind"] = "memory";
  readonly shared = false;
  warnings: string[] = [];
  staffWarnings: string[] = [];
  protected readonly groups = new Map<string, QuestionGroup>();
  /** The open groups only: what a new question is compared with (the closed history can be long). */
  protected readonly openGroups = new Map<string, QuestionGroup>();
  protected readonly entriesByGroup = new Map<string, LoggedQuestion[]>();
  protected readonly entries: LoggedQuestion[] = [];
  protected readonly outbox = new Map<string, OutboxMessage>();
  protected counters: Record<string, DayCounters> = {};
  protected nextId = { entry: 1, group: 1, message: 1 };
  private readonly leases = new Map<string, { owner: string; until: number }>();
  private readonly exclusive = new Set<string>();
  protected closed = false;

  constructor(readonly location: string = "memory") {}

  /** Replaces the state with `data` (loading a file, or a test's fixture). */
  protected load(data: LogData): void {
    this.groups.clear();
    this.openGroups.clear();
    this.entriesByGroup.clear();
    this.entries.length = 0;
    this.outbox.clear();
    for (const group of data.groups) this.putGroup(group);
    for (const entry of data.entries) this.addEntry(entry);
    for (const message of data.outbox) this.outbox.set(message.id, message);
    this.counters = data.counters;
    this.nextId = { ...data.nextId };
  }

  protected putGroup(group: QuestionGroup): void {
    this.groups.set(group.id, group);
    if (group.status === "open") this.openGroups.set(group.id, group);
    else this.openGroups.delete(group.id);
    if (!this.entriesByGroup.has(group.id)) this.entriesByGroup.set(group.id, []);
  }

  protected addEntry(entry: LoggedQuestion): void {
    this.entries.push(entry);
    let list = this.entriesByGroup.get(entry.groupId);
    if (!list) this.entriesByGroup.set(entry.groupId, (list = []));
    list.push(entry);
  }

  /** The whole state as the v1 file shape (for migration and tests). */
  snapshot(): LogData {
    return structuredClone({
      ...emptyLogData(),
      entries: this.entries,
      groups: [...this.groups.values()],
      outbox: [...this.outbox.values()],
      counters: this.counters,
      nextId: this.nextId,
    });
  }

  /** Makes `change` durable. Resolves when it is; nothing to do in memory. */
  protected persist(_change: StoreChange): Promise<void> {
    return Promise.resolve();
  }

  async recordQuestion(question: NewQuestion, grouping: GroupingRule): Promise<LoggedQuestion> {
    this.assertOpen();
    const entry: LoggedQuestion = { id: `q${this.nextId.entry++}`, groupId: "", ...structuredClone(question) };
    const match = entry.reason === "human" ? undefined : findMatchingGroup(this.openGroups.values(), entry.normalized, grouping.similarity, grouping.threshold);
    if (match) {
      entry.groupId = match.id;
      addToGroup(match, entry);
    } else {
      entry.groupId = `g${this.nextId.group++}`;
      this.putGroup(startGroup(entry.groupId, entry));
    }
    this.addEntry(entry);
    await this.persist({ entries: [entry], groups: [entry.groupId] });
    return structuredClone(entry);
  }

  async countOutcome(day: string, outcome: Outcome, faqId?: string): Promise<void> {
    this.assertOpen();
    this.applyCount(day, outcome, faqId);
    await this.persist({ counters: [day], countOp: { day, outcome, ...(faqId === undefined ? {} : { faqId }) } });
  }

  protected applyCount(day: string, outcome: Outcome, faqId?: string): void {
    const counters = (this.counters[day] ??= emptyDayCounters());
    counters[outcome]++;
    if (outcome !== "unhelpful") counters.questions++;
    if (outcome === "answered" && faqId !== undefined) counters.faqHits[faqId] = (counters.faqHits[faqId] ?? 0) + 1;
  }

  async listGroups(filter: { status?: GroupStatus; since?: string } = {}): Promise<QuestionGroup[]> {
    return [...this.groups.values()]
      .filter((group) => filter.status === undefined || group.status === filter.status)
      .filter((group) => filter.since === undefined || group.lastAskedAt >= filter.since)
      .sort(compareGroupsForStaff)
      .map((group) => structuredClone(group));
  }

  async getGroup(groupId: string): Promise<{ group: QuestionGroup; entries: LoggedQuestion[] } | undefined> {
    const group = this.groups.get(groupId);
    if (!group) return undefined;
    return structuredClone({ group, entries: this.entriesByGroup.get(groupId) ?? [] });
  }

  async escalate(entryId: string, at: string): Promise<LoggedQuestion | undefined> {
    this.assertOpen();
    const entry = this.entries.find((candidate) => candidate.id === entryId);
    const group = entry ? this.groups.get(entry.groupId) : undefined;
    if (!entry || !group || group.status !== "open") return undefined;
    if (entry.reason !== "human") {
      moveReason(group, entry.reason);
      entry.reason = "human";
      group.updatedAt = at;
      this.putGroup(group);
      await this.persist({ groups: [group.id], rewrittenEntries: [entry] });
    }
    return structuredClone(entry);
  }

  async setGroupStatus(groupId: string, change: StatusChange, at: string): Promise<QuestionGroup | undefined> {
    this.assertOpen();
    const group = this.groups.get(groupId);
    if (!group) return undefined;
    group.status = change.status;
    if (change.status === "promoted") group.promotedTo = change.promotedTo;
    else group.dismissReason = change.reason;
    group.updatedAt = at;
    this.putGroup(group);
    await this.persist({ groups: [groupId] });
    return structuredClone(group);
  }

  async reply(groupId: string, text: string, at: string): Promise<{ group: QuestionGroup; messages: OutboxMessage[] } | undefined> {
    this.assertOpen();
    const group = this.groups.get(groupId);
    if (!group) return undefined;
    const messages: OutboxMessage[] = [];
    for (const target of replyTargets(this.entriesByGroup.get(groupId) ?? [])) {
      const message: OutboxMessage = { id: `m${this.nextId.message++}`, groupId, ...target, text, createdAt: at, attempts: 0 };
      this.outbox.set(message.id, message);
      messages.push(message);
    }
    group.status = "replied";
    group.reply = { text, repliedAt: at };
    group.updatedAt = at;
    this.putGroup(group);
    await this.persist({ groups: [groupId], outbox: messages.map((m) => m.id) });
    return structuredClone({ group, messages });
  }

  async pendingOutbox(filter: { channel?: string; groupId?: string; maxAttempts: number }): Promise<OutboxMessage[]> {
    return [...this.outbox.values()]
      .filter((m) => m.sentAt === undefined && m.attempts < filter.maxAttempts)
      .filter((m) => filter.channel === undefined || m.channel === filter.channel)
      .filter((m) => filter.groupId === undefined || m.groupId === filter.groupId)
      .map((m) => structuredClone(m));
  }

  async claimOutbox(claim: OutboxClaim): Promise<OutboxMessage[]> {
    this.assertOpen();
    const now = Date.now();
    const nowIso = new Date(now).toISOString();
    const claimed: OutboxMessage[] = [];
    for (const message of this.outbox.values()) {
      if (claimed.length >= claim.limit) break;
      if (message.sentAt !== undefined || message.attempts >= claim.maxAttempts || !claim.channels.includes(message.channel)) continue;
      if (message.notBefore !== undefined && message.notBefore > nowIso) continue;
      const lease = this.leases.get(message.id);
      if (lease && lease.until > now) continue;
      this.leases.set(message.id, { owner: claim.owner, until: now + claim.leaseMs });
      claimed.push(structuredClone(message));
    }
    return claimed;
  }

  async completeOutbox(messageId: string, owner: string | undefined, result: OutboxResult): Promise<boolean> {
    this.assertOpen();
    const message = this.outbox.get(messageId);
    if (!message) throw unknownMessage(messageId, this.location);
    const lease = this.leases.get(messageId);
    const stillOurs = owner === undefined || (lease !== undefined && lease.owner === owner);
    this.leases.delete(messageId);
    if (result.sent) {
      message.sentAt = result.at;
      delete message.lastError;
      delete message.notBefore;
    } else {
      message.attempts++;
      message.lastError = result.error;
      message.notBefore = result.retryAt;
    }
    await this.persist({ outbox: [messageId] });
    return stillOurs;
  }

  async monthlyReport(month: string): Promise<MonthlyReport> {
    const report = buildMonthlyReport({ counters: this.counters, entries: this.entries, groups: [...this.groups.values()] }, month);
    if (report === null) throw new QuestionLogError(`question log: "${month}" is not a month; write it as YYYY-MM, e.g. 2024-03.`);
    return report;
  }

  async faqHits(since?: string): Promise<Record<string, number>> {
    const hits: Record<string, number> = {};
    for (const [day, counters] of Object.entries(this.counters)) {
      if (since !== undefined && day < since) continue;
      for (const [faqId, n] of Object.entries(counters.faqHits)) hits[faqId] = (hits[faqId] ?? 0) + n;
    }
    return hits;
  }

  async applyRetention(cutoff: string): Promise<number> {
    this.assertOpen();
    const rewritten: LoggedQuestion[] = [];
    for (const entry of this.entries) {
      if (entry.askedAt >= cutoff) continue;
      if (entry.conversationId === undefined && entry.senderId === undefined && entry.senderName === undefined) continue;
      delete entry.conversationId;
      delete entry.senderId;
      delete entry.senderName;
      rewritten.push(entry);
    }
    const removed: OutboxMessage[] = [];
    for (const message of [...this.outbox.values()]) {
      if (message.createdAt >= cutoff) continue;
      this.outbox.delete(message.id);
      removed.push(message);
    }
    if (rewritten.length > 0 || removed.length > 0) await this.persist({ rewrittenEntries: rewritten, removedOutbox: removed });
    return rewritten.length;
  }

  async tryExclusive(name: string): Promise<boolean> {
    if (this.exclusive.has(name)) return false;
    this.exclusive.add(name);
    return true;
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
  }

  protected assertOpen(): void {
    if (this.closed) throw new QuestionLogError(`question log: ${this.location} was closed; open the log again to use it.`);
  }
}

/** Keeps the log in memory only; for tests of the log's logic. */
export class MemoryStore extends InMemoryLogStore {
  constructor(initial?: LogData) {
    super("memory");
    if (initial) this.load(structuredClone(initial));
  }
}

export { moveReason, replyTargets, unknownMessage };
