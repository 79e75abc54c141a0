import { chmod, copyFile, open, readdir, readFile, rename, stat, truncate, unlink, type FileHandle } from "node:fs/promises";
import { writeSync } from "node:fs";
import { join } from "node:path";
import { PrivateTextFile as TextFile, PRIVATE_FILE_MODE, preparePrivateDir, tidyPrivateDir } from "./private-files.js";
import { QuestionLogError, errorCode, fileSystemError } from "./errors.js";
import { addToGroup, startGroup } from "./grouping.js";
import { LockFile } from "./lock.js";
import { InMemoryLogStore, type StoreChange } from "./memory-store.js";
import { emptyLogData, findSchemaProblem } from "./schema.js";
import { OUTCOMES, SCHEMA_VERSION, type DayCounters, type LogData, type LoggedQuestion, type Outcome, type OutboxMessage, type QuestionGroup } from "./types.js";
import { CoalescingWriteQueue } from "./write-queue.js";

export const LOG_FILE_NAME = "questions.json";
/** Folder beside questions.json holding the closed history, one month per file. */
export const HISTORY_DIR_NAME = "questions";
export const EMBEDDED_SCHEMA_VERSION = 2;

/**
 * `<dataDir>/questions.json` (schemaVersion 2): a snapshot of the open work
 * only — open groups, undelivered outbox messages, the counters of the newest
 * month, the id sequences. Small whatever the history; rewritten (lowdb's
 * TextFile/steno: temp file + rename) after every staff action and every
 * SNAPSHOT_EVERY questions and counts. Questions and counts in between are
 * appended as lines (the month's entries file, the counts journal) and
 * replayed on open: entries whose id is not below `nextId.entry`, counts
 * whose sequence number is above `countsThrough`.
 */
export interface OpenWorkFile {
  schemaVersion: typeof EMBEDDED_SCHEMA_VERSION;
  groups: QuestionGroup[];
  outbox: OutboxMessage[];
  counters: Record<string, DayCounters>;
  nextId: { entry: number; group: number; message: number };
  /** Counts journal lines up to this sequence number are in `counters`. */
  countsThrough: number;
}

/**
 * `<dataDir>/questions/journal-<n>.jsonl`: one line per counted message since
 * a snapshot, `{"seq":17,"day":"2024-03-01","outcome":"answered","faqId":"…"}`,
 * after a header line `{"schemaVersion":2,"kind":"talentbot counts journal"}`.
 * A new file starts at every snapshot; files the snapshot covers are deleted.
 */
const JOURNAL_KIND = "talentbot counts journal";
/** Questions and counts between two snapshots of the open work. */
export const SNAPSHOT_EVERY = 1000;

/**
 * `<dataDir>/questions/YYYY-MM.json` (schemaVersion 2): what was closed in
 * that month — groups replied, promoted or dismissed then, delivered outbox
 * messages created then, and the month's counters once a newer month began.
 * Rewritten only when one of those changes (staff work, not messages).
 */
export interface MonthFile {
  schemaVersion: typeof EMBEDDED_SCHEMA_VERSION;
  month: string;
  groups: QuestionGroup[];
  outbox: OutboxMessage[];
  counters: Record<string, DayCounters>;
}

/**
 * `<dataDir>/questions/YYYY-MM.entries.jsonl`: every question asked in that
 * (UTC) month, one JSON object per line after a header line
 * `{"schemaVersion":2,"kind":"talentbot question entries","month":"YYYY-MM"}`.
 * Appended to, never rewritten except by retention (temp file + rename).
 */
const ENTRIES_KIND = "talentbot question entries";

const monthOf = (iso: string): string => iso.slice(0, 7);
const idNumber = (id: string): number => Number.parseInt(id.slice(1), 10) || 0;

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
export class EmbeddedStore extends InMemoryLogStore {
  override readonly kind = "embedded" as const;
  /** Completed writes of the open-work file, so tests can see batching. */
  stateWrites = 0;
  private readonly queue: CoalescingWriteQueue;
  private readonly stateFile: TextFile;
  private readonly monthFiles = new Map<string, TextFile>();
  private readonly pendingCountLines: string[] = [];
  private readonly journalFiles = new Set<number>();
  /** Open append handles of the entries files and the journal (an open + close per line costs more than the write). */
  private readonly handles = new Map<string, FileHandle>();
  private countSeq = 0;
  private journalGen = 1;
  private opsSinceSnapshot = 0;
  private readonly groupHome = new Map<string, string>();
  private readonly outboxHome = new Map<string, string>();
  private readonly pendingLines = new Map<string, string[]>();
  private readonly dirtyMonths = new Set<string>();
  private readonly rewriteEntryMonths = new Set<string>();
  private readonly knownEntryFiles = new Set<string>();
  private stateDirty = false;
  private newestCounterMonth = "";

  private constructor(
    readonly dataDir: string,
    private readonly lock: LockFile | undefined,
    private readonly now: () => Date,
    private readonly readOnly = false,
  ) {
    super(join(dataDir, LOG_FILE_NAME));
    this.stateFile = new TextFile(this.location);
    this.queue = new CoalescingWriteQueue(() => this.writeDirty());
  }

  private get historyDir(): string {
    return join(this.dataDir, HISTORY_DIR_NAME);
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
    const state = await this.readStateFile();
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
    const names = await this.listHistory();
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
      const data = await this.readMonthFile(month);
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
      entries.push(...(await this.readEntryFile(join(this.historyDir, name))));
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
      for (const op of await this.readJournal(join(this.historyDir, name))) {
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

  private async readStateFile(): Promise<{ kind: "v2"; data: OpenWorkFile; created: boolean } | { kind: "v1"; data: LogData }> {
    let text: string;
    try {
      text = await readFile(this.location, "utf8");
    } catch (error) {
      if (errorCode(error) !== "ENOENT") throw fileSystemError("read", this.location, error);
      return { kind: "v2", data: emptyOpenWork(), created: true };
    }
    let problem: string | null;
    try {
      const value = JSON.parse(text) as unknown;
      const version = typeof value === "object" && value !== null ? (value as { schemaVersion?: unknown }).schemaVersion : undefined;
      if (version === SCHEMA_VERSION) {
        problem = findSchemaProblem(value);
        if (problem === null) return { kind: "v1", data: value as LogData };
      } else {
        problem = findOpenWorkProblem(value);
        if (problem === null) return { kind: "v2", data: value as OpenWorkFile, created: false };
      }
    } catch (error) {
      problem = `it is not valid JSON (${error instanceof Error ? error.message : String(error)})`;
    }
    if (this.readOnly) throw new QuestionLogError(`question log: ${this.location} could not be used: ${problem}.`);
    const movedTo = await this.moveAside(this.location);
    this.warnings.push(
      `question log: ${this.location} could not be used: ${problem}. ` +
        `It was moved unchanged to ${movedTo} and the open work was rebuilt from the history in ${this.historyDir}. ` +
        `Look at that file (or restore it by hand) before deleting it.`,
    );
    return { kind: "v2", data: emptyOpenWork(), created: true };
  }

  private async readJournal(file: string): Promise<{ seq: number; day: string; outcome: Outcome; faqId?: string }[]> {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      throw fileSystemError("read", file, error);
    }
    const lines = text.split("\n");
    const ops: { seq: number; day: string; outcome: Outcome; faqId?: string }[] = [];
    for (const [index, line] of lines.entries()) {
      if (line === "") continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        // A line cut off by a crash while appending is the last one: that count was never acknowledged.
        if (index < lines.length - 1) this.warnings.push(`question log: ${file} line ${index + 1} is not JSON and was skipped.`);
        continue;
      }
      if (index === 0) {
        const header = value as { kind?: unknown; schemaVersion?: unknown };
        if (header.kind !== JOURNAL_KIND || header.schemaVersion !== EMBEDDED_SCHEMA_VERSION) {
          throw new QuestionLogError(`question log: ${file} is not a talentbot counts journal of schemaVersion ${EMBEDDED_SCHEMA_VERSION}; move it out of ${this.historyDir} and start again.`);
        }
        continue;
      }
      const op = value as { seq?: unknown; day?: unknown; outcome?: unknown; faqId?: unknown };
      if (typeof op.seq !== "number" || typeof op.day !== "string" || !(OUTCOMES as readonly unknown[]).includes(op.outcome)) {
        this.warnings.push(`question log: ${file} line ${index + 1} is not a count and was skipped.`);
        continue;
      }
      ops.push({ seq: op.seq, day: op.day, outcome: op.outcome as Outcome, ...(typeof op.faqId === "string" ? { faqId: op.faqId } : {}) });
    }
    return ops;
  }

  private async readMonthFile(month: string): Promise<MonthFile | undefined> {
    const file = join(this.historyDir, `${month}.json`);
    let problem: string | null;
    try {
      const value = JSON.parse((await this.monthFile(month).read()) ?? "null") as unknown;
      problem = findMonthProblem(value, month);
      if (problem === null) return value as MonthFile;
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw fileSystemError("read", file, error);
      problem = `it is not valid JSON (${error.message})`;
    }
    if (this.readOnly) throw new QuestionLogError(`question log: ${file} could not be used: ${problem}.`);
    const movedTo = await this.moveAside(file);
    this.warnings.push(
      `question log: ${file} could not be used: ${problem}. It was moved unchanged to ${movedTo}; the groups closed in ${month} are missing until you restore it by hand.`,
    );
    return undefined;
  }

  private async readEntryFile(file: string): Promise<LoggedQuestion[]> {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      throw fileSystemError("read", file, error);
    }
    if (text.length > 0 && !text.endsWith("\n") && !this.readOnly) {
      // A line cut off by a crash while appending: that question was never acknowledged.
      const cut = text.lastIndexOf("\n") + 1;
      try {
        await truncate(file, Buffer.byteLength(text.slice(0, cut)));
      } catch (error) {
        throw fileSystemError("repair the cut-off last line of", file, error);
      }
      this.warnings.push(`question log: ${file} ended in a cut-off line (a crash while writing); that line was removed.`);
      text = text.slice(0, cut);
    }
    const lines = text.split("\n").filter((line) => line.length > 0);
    const header = lines.shift();
    let headerProblem: string | null = null;
    try {
      const parsed = header === undefined ? undefined : (JSON.parse(header) as { schemaVersion?: unknown; kind?: unknown });
      if (parsed?.kind !== ENTRIES_KIND) headerProblem = "its first line is not a talentbot question entries header";
      else if (parsed.schemaVersion !== EMBEDDED_SCHEMA_VERSION) headerProblem = `schemaVersion ${String(parsed.schemaVersion)} is not supported (expected ${EMBEDDED_SCHEMA_VERSION})`;
    } catch {
      headerProblem = "its first line is not JSON";
    }
    if (headerProblem !== null) {
      throw new QuestionLogError(`question log: ${file} cannot be read: ${headerProblem}. Move it out of ${this.historyDir} (or restore it) and start again.`);
    }
    const entries: LoggedQuestion[] = [];
    for (const [index, line] of lines.entries()) {
      try {
        entries.push(JSON.parse(line) as LoggedQuestion);
      } catch {
        this.warnings.push(`question log: ${file} line ${index + 2} is not JSON and was skipped; look at it by hand.`);
      }
    }
    return entries;
  }

  private async listHistory(): Promise<string[]> {
    try {
      return (await readdir(this.historyDir)).sort();
    } catch (error) {
      if (this.readOnly && errorCode(error) === "ENOENT") return [];
      throw fileSystemError("read the history directory", this.historyDir, error);
    }
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
  }

  // ---- writing -------------------------------------------------------------------------

  protected override persist(change: StoreChange): Promise<void> {
    if (change.entries) {
      // A question: its line is enough, its group's change is replayed from it.
      for (const entry of change.entries) this.pendingLine(entry);
      this.opsSinceSnapshot++;
    } else {
      for (const id of change.groups ?? []) this.placeGroup(id);
    }
    for (const id of change.outbox ?? []) this.placeMessage(id);
    if (change.countOp) {
      this.pendingCountLines.push(JSON.stringify({ seq: ++this.countSeq, ...change.countOp }));
      this.opsSinceSnapshot++;
      for (const day of change.counters ?? []) {
        if (monthOf(day) > this.newestCounterMonth) this.placeCounters(day); // a new month: the old one moves to its file
        else if (monthOf(day) < this.newestCounterMonth) this.dirtyMonths.add(monthOf(day));
      }
    } else {
      for (const day of change.counters ?? []) this.placeCounters(day);
    }
    if (this.opsSinceSnapshot >= SNAPSHOT_EVERY) this.stateDirty = true;
    for (const entry of change.rewrittenEntries ?? []) this.rewriteEntryMonths.add(monthOf(entry.askedAt));
    for (const message of change.removedOutbox ?? []) {
      const home = this.outboxHome.get(message.id);
      this.outboxHome.delete(message.id);
      if (home) this.dirtyMonths.add(home);
      else this.stateDirty = true;
    }
    return this.queue.save();
  }

  private pendingLine(entry: LoggedQuestion): void {
    const month = monthOf(entry.askedAt);
    let lines = this.pendingLines.get(month);
    if (!lines) this.pendingLines.set(month, (lines = []));
    lines.push(JSON.stringify(entry));
  }

  private placeGroup(id: string): void {
    const group = this.groups.get(id);
    if (!group) return;
    if (group.status === "open") {
      this.stateDirty = true;
      return;
    }
    let home = this.groupHome.get(id);
    if (home === undefined) {
      home = monthOf(group.updatedAt);
      this.groupHome.set(id, home);
      this.stateDirty = true; // leaves the open work
    }
    this.dirtyMonths.add(home);
  }

  private placeMessage(id: string): void {
    const message = this.outbox.get(id);
    if (!message) return;
    if (message.sentAt === undefined) {
      this.stateDirty = true;
      return;
    }
    let home = this.outboxHome.get(id);
    if (home === undefined) {
      home = monthOf(message.createdAt);
      this.outboxHome.set(id, home);
      this.stateDirty = true;
    }
    this.dirtyMonths.add(home);
  }

  private placeCounters(day: string): void {
    const month = monthOf(day);
    if (month > this.newestCounterMonth) {
      // A new month began: the days of the previous newest month move to its file.
      if (this.newestCounterMonth !== "") this.dirtyMonths.add(this.newestCounterMonth);
      this.newestCounterMonth = month;
    }
    if (month < this.newestCounterMonth) this.dirtyMonths.add(month);
    else this.stateDirty = true;
  }

  private async writeDirty(): Promise<void> {
    // Captured synchronously: changes made while writing go to the next round.
    const lines = [...this.pendingLines.entries()];
    this.pendingLines.clear();
    const countLines = this.pendingCountLines.splice(0);
    const lineGen = this.journalGen;
    const rewrites = [...this.rewriteEntryMonths];
    this.rewriteEntryMonths.clear();
    const months = [...this.dirtyMonths];
    this.dirtyMonths.clear();
    const stateDirty = this.stateDirty;
    this.stateDirty = false;
    const monthData = months.map((month) => [month, JSON.stringify(this.monthData(month))] as const);
    // The snapshot covers every count so far; later counts go to a new journal file.
    const stateData = stateDirty ? JSON.stringify(this.openWorkData()) : undefined;
    const opsBefore = this.opsSinceSnapshot;
    if (stateDirty) {
      this.journalGen++;
      this.opsSinceSnapshot = 0;
    }
    const rewriteData = rewrites.map((month) => [month, this.entries.filter((e) => monthOf(e.askedAt) === month)] as const);
    const appended = new Set<string>();
    try {
      for (const [month, batch] of lines) {
        await this.appendLines(month, batch);
        appended.add(month);
      }
      if (countLines.length > 0) {
        await this.appendJournal(lineGen, countLines);
        countLines.length = 0;
      }
      for (const [month, entries] of rewriteData) await this.rewriteEntries(month, entries);
      for (const [month, data] of monthData) {
        await this.monthFile(month)
          .write(data)
          .catch((error: unknown) => {
            throw fileSystemError("write", join(this.historyDir, `${month}.json`), error);
          });
      }
      if (stateData !== undefined) {
        await this.stateFile.write(stateData).catch((error: unknown) => {
          throw fileSystemError("write", this.location, error);
        });
        this.stateWrites++;
        for (const gen of [...this.journalFiles]) {
          if (gen >= this.journalGen) continue;
          const file = join(this.historyDir, `journal-${gen}.jsonl`);
          await this.dropHandle(file);
          await unlink(file).catch((error: unknown) => {
            if (errorCode(error) !== "ENOENT") throw fileSystemError("remove the replayed journal", file, error);
          });
          this.journalFiles.delete(gen);
        }
      }
    } catch (error) {
      if (countLines.length > 0) this.pendingCountLines.unshift(...countLines);
      if (stateDirty) this.opsSinceSnapshot += opsBefore;
      // Nothing is lost from memory: the next write carries it (the whole of each file).
      for (const [month, batch] of lines) {
        if (appended.has(month)) continue;
        const pending = this.pendingLines.get(month) ?? [];
        this.pendingLines.set(month, [...batch, ...pending]);
      }
      for (const month of rewrites) this.rewriteEntryMonths.add(month);
      for (const month of months) this.dirtyMonths.add(month);
      if (stateDirty) this.stateDirty = true;
      throw error;
    }
  }

  private async appendLines(month: string, batch: string[]): Promise<void> {
    const file = join(this.historyDir, `${month}.entries.jsonl`);
    await this.append(file, `${JSON.stringify({ schemaVersion: EMBEDDED_SCHEMA_VERSION, kind: ENTRIES_KIND, month })}\n`, `${batch.join("\n")}\n`);
    this.knownEntryFiles.add(month);
  }

  private async appendJournal(gen: number, lines: string[]): Promise<void> {
    const file = join(this.historyDir, `journal-${gen}.jsonl`);
    await this.append(file, `${JSON.stringify({ schemaVersion: EMBEDDED_SCHEMA_VERSION, kind: JOURNAL_KIND })}\n`, `${lines.join("\n")}\n`);
    this.journalFiles.add(gen);
  }

  /** Appends `text` to `file`, starting a new (empty) file with `header`. */
  private async append(file: string, header: string, text: string): Promise<void> {
    try {
      let handle = this.handles.get(file);
      if (!handle) {
        handle = await open(file, "a", PRIVATE_FILE_MODE);
        this.handles.set(file, handle);
        if ((await handle.stat()).size === 0) text = header + text;
      }
      // One small write to the page cache: done synchronously on this thread, it skips the thread
      // pool's hop there and back, which is what a busy machine delays (the p99 of a message).
      const bytes = Buffer.from(text, "utf8");
      let done = 0;
      while (done < bytes.length) done += writeSync(handle.fd, bytes, done, bytes.length - done);
    } catch (error) {
      await this.dropHandle(file); // opened again next time (the file may have been replaced)
      throw fileSystemError("append to", file, error);
    }
  }

  private async dropHandle(file: string): Promise<void> {
    const handle = this.handles.get(file);
    this.handles.delete(file);
    await handle?.close().catch(() => undefined);
  }

  private async rewriteEntries(month: string, entries: LoggedQuestion[]): Promise<void> {
    const file = join(this.historyDir, `${month}.entries.jsonl`);
    const header = JSON.stringify({ schemaVersion: EMBEDDED_SCHEMA_VERSION, kind: ENTRIES_KIND, month });
    const pending = this.pendingLines.get(month) ?? [];
    this.pendingLines.delete(month); // their entries are in `entries` already, if they were logged before this round
    const logged = new Set(entries.map((e) => e.id));
    const keep = pending.filter((line) => !logged.has((JSON.parse(line) as LoggedQuestion).id));
    if (keep.length > 0) this.pendingLines.set(month, keep);
    await this.dropHandle(file);
    try {
      await new TextFile(file).write(`${[header, ...entries.map((e) => JSON.stringify(e))].join("\n")}\n`);
    } catch (error) {
      throw fileSystemError("rewrite", file, error);
    }
    this.knownEntryFiles.add(month);
  }

  private openWorkData(): OpenWorkFile {
    return {
      schemaVersion: EMBEDDED_SCHEMA_VERSION,
      groups: [...this.groups.values()].filter((g) => g.status === "open"),
      outbox: [...this.outbox.values()].filter((m) => m.sentAt === undefined),
      counters: Object.fromEntries(Object.entries(this.counters).filter(([day]) => monthOf(day) >= this.newestCounterMonth)),
      nextId: this.nextId,
      countsThrough: this.countSeq,
    };
  }

  private monthData(month: string): MonthFile {
    return {
      schemaVersion: EMBEDDED_SCHEMA_VERSION,
      month,
      groups: [...this.groups.values()].filter((g) => this.groupHome.get(g.id) === month),
      outbox: [...this.outbox.values()].filter((m) => this.outboxHome.get(m.id) === month),
      counters: month < this.newestCounterMonth ? Object.fromEntries(Object.entries(this.counters).filter(([day]) => monthOf(day) === month)) : {},
    };
  }

  private monthFile(month: string): TextFile {
    let file = this.monthFiles.get(month);
    if (!file) {
      file = new TextFile(join(this.historyDir, `${month}.json`));
      this.monthFiles.set(month, file);
    }
    return file;
  }

  private async moveAside(file: string): Promise<string> {
    const stamp = this.now().toISOString().replace(/[:.]/g, "-");
    for (let attempt = 0; ; attempt++) {
      const target = `${file}.corrupt-${stamp}${attempt === 0 ? "" : `-${attempt}`}`;
      try {
        await stat(target);
        continue; // never overwrite an earlier corrupt copy
      } catch (error) {
        if (errorCode(error) !== "ENOENT") throw fileSystemError("inspect", target, error);
      }
      try {
        await rename(file, target);
        await chmod(target, PRIVATE_FILE_MODE).catch(() => undefined);
        return target;
      } catch (error) {
        throw fileSystemError("move the unreadable log aside to", target, error);
      }
    }
  }

  override async flush(): Promise<void> {
    await this.queue.idle();
    if (this.stateDirty || this.pendingLines.size > 0 || this.pendingCountLines.length > 0 || this.dirtyMonths.size > 0 || this.rewriteEntryMonths.size > 0) {
      await this.queue.save();
    }
  }

  /** Writes a snapshot (so the next open replays nothing) and releases the lock. */
  override async close(): Promise<void> {
    if (this.closed) return;
    try {
      if (this.opsSinceSnapshot > 0) this.stateDirty = true;
      await this.flush();
    } finally {
      this.closed = true;
      for (const file of [...this.handles.keys()]) await this.dropHandle(file);
      await this.lock?.release();
    }
  }
}

function emptyOpenWork(): OpenWorkFile {
  return { schemaVersion: EMBEDDED_SCHEMA_VERSION, groups: [], outbox: [], counters: {}, nextId: { entry: 1, group: 1, message: 1 }, countsThrough: 0 };
}


function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function versionProblem(value: Record<string, unknown>): string | null {
  const version = value["schemaVersion"];
  if (version === undefined) return "schemaVersion is missing";
  if (typeof version !== "number") return "schemaVersion is not a number";
  if (version > EMBEDDED_SCHEMA_VERSION) return `schemaVersion ${version} was written by a newer talentbot (this one reads ${EMBEDDED_SCHEMA_VERSION})`;
  if (version !== EMBEDDED_SCHEMA_VERSION) return `schemaVersion ${version} is not supported (expected ${SCHEMA_VERSION} or ${EMBEDDED_SCHEMA_VERSION})`;
  return null;
}

function listsProblem(value: Record<string, unknown>): string | null {
  for (const list of ["groups", "outbox"] as const) {
    const items = value[list];
    if (!Array.isArray(items)) return `"${list}" is not a list`;
    if (!items.every((item) => isRecord(item) && typeof item["id"] === "string")) return `"${list}" holds an item without an id`;
  }
  if (!isRecord(value["counters"])) return `"counters" is not an object`;
  return null;
}

function findOpenWorkProblem(value: unknown): string | null {
  if (!isRecord(value)) return "the file does not hold a JSON object";
  const problem = versionProblem(value) ?? listsProblem(value);
  if (problem) return problem;
  const nextId = value["nextId"];
  if (!isRecord(nextId) || !["entry", "group", "message"].every((key) => Number.isInteger(nextId[key]))) return `"nextId" is not { entry, group, message }`;
  if (!Number.isInteger(value["countsThrough"])) return `"countsThrough" is not a number`;
  return null;
}

function findMonthProblem(value: unknown, month: string): string | null {
  if (!isRecord(value)) return "the file does not hold a JSON object";
  const problem = versionProblem(value) ?? listsProblem(value);
  if (problem) return problem;
  if (value["month"] !== month) return `it says it is month ${String(value["month"])}, not ${month}`;
  return null;
}

/** The whole embedded log (every file of the monthly layout) as one v1-shaped object, read without the lock and without writing; for migration and tests. */
export async function readEmbeddedLog(dataDir: string): Promise<LogData> {
  return (await EmbeddedStore.read(dataDir)).snapshot();
}
