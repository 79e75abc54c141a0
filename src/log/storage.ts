import { mkdir, rename, stat } from "node:fs/promises";
import { join } from "node:path";
import { Low } from "lowdb";
import { JSONFile } from "lowdb/node";
import { QuestionLogError, errorCode, fileSystemError } from "./errors.js";
import { LockFile } from "./lock.js";
import { emptyLogData, findSchemaProblem } from "./schema.js";
import type { LogData } from "./types.js";

export const LOG_FILE_NAME = "questions.json";

export interface StorageReadResult {
  data: LogData;
  /** Problems the operator must hear about (e.g. a corrupt file moved aside). Print them loudly. */
  warnings: string[];
}

/**
 * Where the question log keeps its data. QuestionLog owns the data in
 * memory and calls write() with the whole state, one call at a time.
 */
export interface QuestionLogStorage {
  /** Names the storage in messages, e.g. the file path. */
  readonly location: string;
  read(): Promise<StorageReadResult>;
  /**
   * Persists `data`. Must capture `data` synchronously (serialise or copy it
   * before the first await): QuestionLog keeps mutating its state while a
   * write is in flight. Resolves once the data is durable for this storage.
   */
  write(data: LogData): Promise<void>;
  close(): Promise<void>;
}

/** Keeps the data in memory only; for tests of the log's logic. */
export class MemoryStorage implements QuestionLogStorage {
  readonly location = "memory";
  /** Number of completed writes, so tests can see batching. */
  writes = 0;
  private saved: string | null;

  constructor(initial?: LogData) {
    this.saved = initial === undefined ? null : JSON.stringify(initial);
  }

  async read(): Promise<StorageReadResult> {
    const data = this.saved === null ? emptyLogData() : (JSON.parse(this.saved) as LogData);
    return { data, warnings: [] };
  }

  async write(data: LogData): Promise<void> {
    this.saved = JSON.stringify(data);
    this.writes++;
  }

  /** The last written state, as a copy. */
  snapshot(): LogData | null {
    return this.saved === null ? null : (JSON.parse(this.saved) as LogData);
  }

  async close(): Promise<void> {}
}

/**
 * `<dataDir>/questions.json` through lowdb's JSONFile. JSONFile writes with
 * steno: to a temp file, then rename, so a crash leaves either the old or the
 * new file, never half of one. steno does not fsync, so this protects against
 * a killed process, not against power loss.
 *
 * The Low instance is built by hand: lowdb's JSONFilePreset silently keeps
 * data in memory when NODE_ENV is "test", which vitest sets.
 */
export class JsonFileStorage implements QuestionLogStorage {
  private closed = false;

  private constructor(
    readonly location: string,
    private readonly db: Low<LogData>,
    private readonly lock: LockFile,
    private readonly now: () => Date,
  ) {}

  /** Creates the directory if needed and takes the lock; throws QuestionLogError if either fails. */
  static async open(dataDir: string, options: { now?: () => Date } = {}): Promise<JsonFileStorage> {
    try {
      await mkdir(dataDir, { recursive: true });
    } catch (error) {
      throw fileSystemError("create the data directory", dataDir, error);
    }
    const file = join(dataDir, LOG_FILE_NAME);
    const lock = await LockFile.acquire(`${file}.lock`, file);
    const db = new Low<LogData>(new JSONFile<LogData>(file), emptyLogData());
    return new JsonFileStorage(file, db, lock, options.now ?? (() => new Date()));
  }

  /**
   * Loads the file, creating it if missing. A file that cannot be used is
   * never overwritten: it is renamed to `questions.json.corrupt-<time>`
   * (bytes unchanged) and a fresh log is started, with a warning.
   */
  async read(): Promise<StorageReadResult> {
    this.assertOpen();
    let problem: string | null;
    let exists = true;
    try {
      await stat(this.location);
    } catch (error) {
      if (errorCode(error) !== "ENOENT") throw fileSystemError("read", this.location, error);
      exists = false;
    }
    if (!exists) {
      this.db.data = emptyLogData();
      await this.write(this.db.data);
      return { data: this.db.data, warnings: [] };
    }
    try {
      await this.db.read();
      problem = findSchemaProblem(this.db.data);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw fileSystemError("read", this.location, error);
      problem = `it is not valid JSON (${error.message})`;
    }
    if (problem === null) return { data: this.db.data, warnings: [] };

    const movedTo = await this.moveAside();
    this.db.data = emptyLogData();
    await this.write(this.db.data);
    const warning =
      `question log: ${this.location} could not be used: ${problem}. ` +
      `It was moved unchanged to ${movedTo} and a new, empty log was started. ` +
      `Questions logged before are in that file; look at it (or restore it by hand) before deleting it.`;
    return { data: this.db.data, warnings: [warning] };
  }

  async write(data: LogData): Promise<void> {
    this.assertOpen();
    this.db.data = data;
    try {
      // Low.write → JSONFile serialises synchronously, as the interface requires.
      await this.db.write();
    } catch (error) {
      throw fileSystemError("write", this.location, error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.lock.release();
  }

  private async moveAside(): Promise<string> {
    const stamp = this.now().toISOString().replace(/[:.]/g, "-");
    for (let attempt = 0; ; attempt++) {
      const target = `${this.location}.corrupt-${stamp}${attempt === 0 ? "" : `-${attempt}`}`;
      try {
        await stat(target);
        continue; // never overwrite an earlier corrupt copy
      } catch (error) {
        if (errorCode(error) !== "ENOENT") throw fileSystemError("inspect", target, error);
      }
      try {
        await rename(this.location, target);
        return target;
      } catch (error) {
        throw fileSystemError("move the unreadable log aside to", target, error);
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new QuestionLogError(`question log: ${this.location} is already closed; open the log again to use it.`);
    }
  }
}

