import { unlink } from "node:fs/promises";
import { join } from "node:path";
import { AppendFiles } from "./embedded-append.js";
import {
  EMBEDDED_SCHEMA_VERSION,
  HISTORY_DIR_NAME,
  LOG_FILE_NAME,
  SNAPSHOT_EVERY,
  entriesFilePath,
  entriesHeader,
  journalFilePath,
  journalHeader,
  monthFilePath,
  monthOf,
  type MonthFile,
  type OpenWorkFile,
} from "./embedded-layout.js";
import { errorCode, fileSystemError } from "./errors.js";
import { InMemoryLogStore, type StoreChange } from "./memory-store.js";
import { PrivateTextFile as TextFile } from "./private-files.js";
import type { LoggedQuestion } from "./types.js";
import { CoalescingWriteQueue } from "./write-queue.js";

/**
 * The writing half of the embedded store: where each change goes (a question's line, a count's
 * journal line, a closed group's month file, the open-work snapshot) and the batched writes of
 * those files. EmbeddedStore adds opening, reading and closing.
 */
export class EmbeddedWriter extends InMemoryLogStore {
  /** Completed writes of the open-work file, so tests can see batching. */
  stateWrites = 0;
  protected readonly queue: CoalescingWriteQueue;
  protected readonly stateFile: TextFile;
  protected readonly monthFiles = new Map<string, TextFile>();
  protected readonly pendingCountLines: string[] = [];
  protected readonly journalFiles = new Set<number>();
  protected readonly files = new AppendFiles();
  protected countSeq = 0;
  protected journalGen = 1;
  protected opsSinceSnapshot = 0;
  protected readonly groupHome = new Map<string, string>();
  protected readonly outboxHome = new Map<string, string>();
  protected readonly pendingLines = new Map<string, string[]>();
  protected readonly dirtyMonths = new Set<string>();
  protected readonly rewriteEntryMonths = new Set<string>();
  protected readonly knownEntryFiles = new Set<string>();
  protected stateDirty = false;
  protected newestCounterMonth = "";

  protected constructor(readonly dataDir: string) {
    super(join(dataDir, LOG_FILE_NAME));
    this.stateFile = new TextFile(this.location);
    this.queue = new CoalescingWriteQueue(() => this.writeDirty());
  }

  protected get historyDir(): string {
    return join(this.dataDir, HISTORY_DIR_NAME);
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
        if (monthOf(day) > this.newestCounterMonth)
          this.placeCounters(day); // a new month: the old one moves to its file
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

  protected pendingLine(entry: LoggedQuestion): void {
    const month = monthOf(entry.askedAt);
    let lines = this.pendingLines.get(month);
    if (!lines) this.pendingLines.set(month, (lines = []));
    lines.push(JSON.stringify(entry));
  }

  protected placeGroup(id: string): void {
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

  protected placeMessage(id: string): void {
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

  protected placeCounters(day: string): void {
    const month = monthOf(day);
    if (month > this.newestCounterMonth) {
      // A new month began: the days of the previous newest month move to its file.
      if (this.newestCounterMonth !== "") this.dirtyMonths.add(this.newestCounterMonth);
      this.newestCounterMonth = month;
    }
    if (month < this.newestCounterMonth) this.dirtyMonths.add(month);
    else this.stateDirty = true;
  }

  protected async writeDirty(): Promise<void> {
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
            throw fileSystemError("write", monthFilePath(this.historyDir, month), error);
          });
      }
      if (stateData !== undefined) {
        await this.stateFile.write(stateData).catch((error: unknown) => {
          throw fileSystemError("write", this.location, error);
        });
        this.stateWrites++;
        for (const gen of [...this.journalFiles]) {
          if (gen >= this.journalGen) continue;
          const file = journalFilePath(this.historyDir, gen);
          await this.files.drop(file);
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

  protected async appendLines(month: string, batch: string[]): Promise<void> {
    const file = entriesFilePath(this.historyDir, month);
    await this.files.append(file, `${entriesHeader(month)}\n`, `${batch.join("\n")}\n`);
    this.knownEntryFiles.add(month);
  }

  protected async appendJournal(gen: number, lines: string[]): Promise<void> {
    const file = journalFilePath(this.historyDir, gen);
    await this.files.append(file, `${journalHeader()}\n`, `${lines.join("\n")}\n`);
    this.journalFiles.add(gen);
  }

  protected async rewriteEntries(month: string, entries: LoggedQuestion[]): Promise<void> {
    const file = entriesFilePath(this.historyDir, month);
    const header = entriesHeader(month);
    const pending = this.pendingLines.get(month) ?? [];
    this.pendingLines.delete(month); // their entries are in `entries` already, if they were logged before this round
    const logged = new Set(entries.map((e) => e.id));
    const keep = pending.filter((line) => !logged.has((JSON.parse(line) as LoggedQuestion).id));
    if (keep.length > 0) this.pendingLines.set(month, keep);
    await this.files.drop(file);
    try {
      await new TextFile(file).write(`${[header, ...entries.map((e) => JSON.stringify(e))].join("\n")}\n`);
    } catch (error) {
      throw fileSystemError("rewrite", file, error);
    }
    this.knownEntryFiles.add(month);
  }

  protected openWorkData(): OpenWorkFile {
    return {
      schemaVersion: EMBEDDED_SCHEMA_VERSION,
      groups: [...this.groups.values()].filter((g) => g.status === "open"),
      outbox: [...this.outbox.values()].filter((m) => m.sentAt === undefined),
      counters: Object.fromEntries(Object.entries(this.counters).filter(([day]) => monthOf(day) >= this.newestCounterMonth)),
      nextId: this.nextId,
      countsThrough: this.countSeq,
    };
  }

  protected monthData(month: string): MonthFile {
    return {
      schemaVersion: EMBEDDED_SCHEMA_VERSION,
      month,
      groups: [...this.groups.values()].filter((g) => this.groupHome.get(g.id) === month),
      outbox: [...this.outbox.values()].filter((m) => this.outboxHome.get(m.id) === month),
      counters: month < this.newestCounterMonth ? Object.fromEntries(Object.entries(this.counters).filter(([day]) => monthOf(day) === month)) : {},
    };
  }

  protected monthFile(month: string): TextFile {
    let file = this.monthFiles.get(month);
    if (!file) {
      file = new TextFile(monthFilePath(this.historyDir, month));
      this.monthFiles.set(month, file);
    }
    return file;
  }

  override async flush(): Promise<void> {
    await this.queue.idle();
    if (this.stateDirty || this.pendingLines.size > 0 || this.pendingCountLines.length > 0 || this.dirtyMonths.size > 0 || this.rewriteEntryMonths.size > 0) {
      await this.queue.save();
    }
  }
}
