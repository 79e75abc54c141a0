import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Low, type Adapter } from "lowdb";
import { QuestionLogError, errorCode, fileSystemError } from "./errors.js";
import { LockFile } from "./lock.js";
import { emptyLogData, findSchemaProblem } from "./schema.js";
import type { LogData } from "./types.js";

export const LOG_FILE_NAME = "questions.json";

/** Data files hold conversation and session ids: readable by the bot's user only. */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Creates the data directory (mode 0700) or narrows an existing one to 0700. */
export async function preparePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  // mkdir's mode does not apply to a directory that already exists (or is made by an old version).
  const { mode } = await stat(dir);
  if ((mode & 0o077) !== 0) await chmod(dir, mode & ~0o077 & 0o7777);
}

/** The temp file `file` is written to before the rename (the name lowdb's steno used). */
const tempFileOf = (file: string): string => join(dirname(file), `.${basename(file)}.tmp`);

/**
 * lowdb's JSONFile with one difference: the temp file is created with mode 0600, so the log
 * renamed from it is never readable by others, not even for a moment (steno creates it 0644).
 * Same steps otherwise: serialise at once, write the temp file, rename it over the log.
 */
class PrivateJsonFile<T> implements Adapter<T> {
  constructor(private readonly file: string) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (error) {
      if (errorCode(error) === "ENOENT") return null;
      throw error;
    }
    return JSON.parse(text) as T;
  }

  async write(data: T): Promise<void> {
    const text = JSON.stringify(data, null, 2);
    const temp = tempFileOf(this.file);
    await writeFile(temp, text, { encoding: "utf8", mode: PRIVATE_FILE_MODE });
    await rename(temp, this.file);
  }
}

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
 * `<dataDir>/questions.json` through lowdb (PrivateJsonFile): written to a temp
 * file, then renamed, so a crash leaves either the old or the new file, never
 * half of one. No fsync, so this protects against a killed process, not
 * against power loss.
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
      await preparePrivateDir(dataDir);
    } catch (error) {
      throw fileSystemError("create the data directory", dataDir, error);
    }
    const file = join(dataDir, LOG_FILE_NAME);
    const lock = await LockFile.acquire(`${file}.lock`, file);
    try {
      // A partial temp file left by a process killed mid-write: never read, only in the way.
      // Safe to remove: the lock says no other process writes this log.
      await rm(tempFileOf(file), { force: true });
      // A log created by an older version was 0644.
      await chmod(file, PRIVATE_FILE_MODE).catch((error: unknown) => {
        if (errorCode(error) !== "ENOENT") throw error;
      });
    } catch (error) {
      await lock.release();
      throw fileSystemError("prepare", file, error);
    }
    const db = new Low<LogData>(new PrivateJsonFile<LogData>(file), emptyLogData());
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
      // Low.write → PrivateJsonFile serialises synchronously, as the interface requires.
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
        // Bytes unchanged, but no longer readable by others if an older version made it 0644.
        await chmod(target, PRIVATE_FILE_MODE).catch(() => undefined);
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

