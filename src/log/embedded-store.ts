import { chmod, copyFile } from "node:fs/promises";
import { join } from "node:path";
import { HISTORY_DIR_NAME, LOG_FILE_NAME, idNumber, monthOf } from "./embedded-layout.js";
import { listHistory, readEntryFile, readJournal, readMonthFile, readStateFile, type ReadContext } from "./embedded-read.js";
import { EmbeddedWriter } from "./embedded-writer.js";
import { fileSystemError } from "./errors.js";
import { addToGroup, startGroup } from "./grouping.js";
import { LockFile } from "./lock.js";
import { PRIVATE_FILE_MODE, preparePrivateDir, tidyPrivateDir } from "./private-files.js";
import { emptyLogData } from "./schema.js";
import type { DayCounters, LogData, LoggedQuestion, OutboxMessage, QuestionGroup } from "./types.js";

// The files (names, shapes, checks) are in embedded-layout.ts, reading them in embedded-read.ts,
// writing them in embedded-writer.ts and embedded-append.ts.
export { EMBEDDED_SCHEMA_VERSION, HISTORY_DIR_NAME, LOG_FILE_NAME, SNAPSHOT_EVERY, type MonthFile, type OpenWorkFile } from "./embedded-layout.js";

/**
 * The embedded question log: lowdb files in the data directory, one writer
 * (the lock file). The state is in memory; each change is written to the few
 * files it touches, so recording a question costs one appended line plus the
 * small open-work file, however long the history is.
 *
 * Crash safety: a question's line is appended before the open-work file is
 * written; on open, lines beyond the open-work file's id sequence are
 * replayed into their groups. Files are replaced by rename, so a killed
 * process leaves the old or the new version of each.
 */
export class EmbeddedStore extends EmbeddedWriter {
  override readonly kind = "embedded" as const;

  private constructor(
    dataDir: string,
    private readonly lock: LockFile | undefined,
    private readonly now: () => Date,
    private readonly readOnly = false,
  ) {
    super(dataDir);
  }

  /** Creates the directory if needed, takes the lock and reads the files; throws QuestionLogError if it cannot. */
  static async open(dataDir: string, options: { now?: () => Date } = {}): Promise<EmbeddedStore> {
    try {
      await preparePrivateDir(dataDir);
    } catch (error) {
      throw fileSystemError("create the data directory", dataDir, error);
    }
    const file = join(dataDir, LOG_FILE_NAME);
    const lock = await LockFile.acquire(`${file}.lock`, file);
    const store = new EmbeddedStore(dataDir, lock, options.now ?? (() => new Date()));
    try {
      // Safe with the lock held: no other process writes here.
      await tidyPrivateDir(dataDir).catch((error: unknown) => {
        throw fileSystemError("prepare", dataDir, error);
      });
      await tidyPrivateDir(join(dataDir, HISTORY_DIR_NAME)).catch((error: unknown) => {
        throw fileSystemError("prepare", join(dataDir, HISTORY_DIR_NAME), error);
      });
      await store.readAll();
    } catch (error) {
      await lock.release().catch(() => undefined);
      throw error;
    }
    return store;
  }

  /** Reads every file without taking the lock and without writing anything (a crash's leftovers are replayed in memory only). */
  static async read(dataDir: string): Promise<EmbeddedStore> {
    const store = new EmbeddedStore(dataDir, undefined, () => new Date(), true);
    await store.readAll();
    store.closed = true;
    return store;
  }

  // ---- reading -------------------------------------------------------------------------

  private async readAll(): Promise<void> {
    const state = await readStateFile(this.readContext());
    if (!this.readOnly) {
      try {
        await preparePrivateDir(this.historyDir);
      } catch (error) {
        throw fileSystemError("create the history directory", this.historyDir, error);
      }
    }
    if (state.kind === "v1") {
      if (this.readOnly) {
        this.load(state.data);
        return;
      }
      await this.convertFromV1(state.data);
      return;
    }
    const open = state.data;
    const names = await listHistory(this.readContext());
    const groups = new Map<string, QuestionGroup>();
    const outbox = new Map<string, OutboxMessage>();
    const counters: Record<string, DayCounters> = {};
    const nextId = { ...open.nextId };
    // Open work first; a month file's version of the same group or message wins: it was
    // written before the open-work file that would have dropped it (a crash in between).
    for (const group of open.groups) groups.set(group.id, group);
    for (const message of open.outbox) outbox.set(message.id, message);
    Object.assign(counters, open.counters);
    for (const name of names.filter((n) => /^\d{4}-\d{2}\.json$/.test(n))) {
      const month = name.slice(0, 7);
      const data = await readMonthFile(this.readContext(), month, this.monthFile(month));
      if (!data) continue;
      for (const group of data.groups) {
        groups.set(group.id, group);
        this.groupHome.set(group.id, month);
      }
      for (const message of data.outbox) {
        outbox.set(message.id, message);
        this.outboxHome.set(message.id, month);
      }
      for (const [day, value] of Object.entries(data.counters)) counters[day] ??= value;
    }
    const entries: LoggedQuestion[] = [];
    for (const name of names.filter((n) => /^\d{4}-\d{2}\.entries\.jsonl$/.test(n)).sort()) {
      this.knownEntryFiles.add(name.slice(0, 7));
      entries.push(...(await readEntryFile(this.readContext(), join(this.historyDir, name))));
    }
    entries.sort((a, b) => idNumber(a.id) - idNumber(b.id));

    const data: LogData = { ...emptyLogData(), groups: [...groups.values()], outbox: [...outbox.values()], counters, nextId, entries: [] };
    this.load(data);
    // Replay: questions whose line was written but whose open-work update was not.
    let replayed = 0;
    for (const entry of entries) {
      const known = idNumber(entry.id) < open.nextId.entry;
      const group = this.groups.get(entry.groupId);
      // A closed group's month file was written after this question joined it (a crash before the
      // snapshot that followed): its counts include the question already.
      const alreadyCounted = group !== undefined && group.status !== "open";
      if (!known && !alreadyCounted) {
        replayed++;
        if (group) addToGroup(group, entry);
        else this.putGroup(startGroup(entry.groupId, entry));
      }
      this.addEntry(entry);
    }
    for (const group of this.groups.values()) this.nextId.group = Math.max(this.nextId.group, idNumber(group.id) + 1);
    for (const entry of this.entries) this.nextId.entry = Math.max(this.nextId.entry, idNumber(entry.id) + 1);
    for (const message of this.outbox.values()) this.nextId.message = Math.max(this.nextId.message, idNumber(message.id) + 1);
    this.countSeq = open.countsThrough;
    let journalMax = 0;
    for (const name of names) {
      const match = /^journal-(\d+)\.jsonl$/.exec(name);
      if (!match) continue;
      const gen = Number(match[1]);
      journalMax = Math.max(journalMax, gen);
      this.journalFiles.add(gen);
      for (const op of await readJournal(this.readContext(), join(this.historyDir, name))) {
        this.countSeq = Math.max(this.countSeq, op.seq);
        if (op.seq <= open.countsThrough) continue;
        this.applyCount(op.day, op.outcome, op.faqId);
        replayed++;
      }
    }
    this.journalGen = journalMax + 1;
    this.newestCounterMonth = Object.keys(this.counters).map(monthOf).sort().at(-1) ?? "";
    if ((replayed > 0 || state.created) && !this.readOnly) {
      this.stateDirty = true;
      await this.queue.save();
    }
  }

  private readContext(): ReadContext {
    return { location: this.location, historyDir: this.historyDir, readOnly: this.readOnly, warnings: this.warnings, staffWarnings: this.staffWarnings, now: this.now };
  }

  /** A schemaVersion 1 questions.json (everything in one file) becomes the monthly layout. */
  private async convertFromV1(data: LogData): Promise<void> {
    const stamp = this.now().toISOString().replace(/[:.]/g, "-");
    const backup = `${this.location}.v1-${stamp}`;
    this.load(data);
    for (const entry of this.entries) this.pendingLine(entry);
    for (const group of this.groups.values()) this.placeGroup(group.id);
    for (const message of this.outbox.values()) this.placeMessage(message.id);
    this.newestCounterMonth = Object.keys(this.counters).map(monthOf).sort().at(-1) ?? "";
    for (const day of Object.keys(this.counters)) this.placeCounters(day);
    this.stateDirty = true;
    try {
      await copyFile(this.location, backup);
      await chmod(backup, PRIVATE_FILE_MODE);
    } catch (error) {
      throw fileSystemError("keep a copy of the old log as", backup, error);
    }
    await this.queue.save();
    this.warnings.push(
      `question log: ${this.location} (schemaVersion 1, one file) was converted to the monthly layout (schemaVersion 2: open work in ${LOG_FILE_NAME}, history in ${this.historyDir}); the old file is kept as ${backup}.`,
    );
    this.staffWarnings.push(`问题日志已转换为按月保存的新格式；旧文件保留为 ${backup}。`);
  }

  /** Writes a snapshot (so the next open replays nothing) and releases the lock. */
  override async close(): Promise<void> {
    if (this.closed) return;
    try {
      if (this.opsSinceSnapshot > 0) this.stateDirty = true;
      await this.flush();
    } finally {
      this.closed = true;
      await this.files.closeAll();
      await this.lock?.release();
    }
  }
}

/** The whole embedded log (every file of the monthly layout) as one v1-shaped object, read without the lock and without writing; for migration and tests. */
export async function readEmbeddedLog(dataDir: string): Promise<LogData> {
  return (await EmbeddedStore.read(dataDir)).snapshot();
}
