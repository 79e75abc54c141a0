import { open, readFile, unlink } from "node:fs/promises";
import { QuestionLogError, errorCode, fileSystemError } from "./errors.js";

/**
 * An exclusive lock file holding the owner's pid, so that exactly one
 * process writes a log file: two writers would each keep their own copy in
 * memory and overwrite each other's questions.
 */
export class LockFile {
  private released = false;

  private constructor(readonly path: string) {}

  /**
   * Creates `lockPath` (flag "wx": fails if it exists). A lock whose pid is
   * no longer running is left over from a crash and is taken over.
   * `guarded` names the file being protected, for the error message.
   */
  static async acquire(lockPath: string, guarded: string): Promise<LockFile> {
    // Two rounds: the second one runs after removing a stale lock.
    for (let round = 0; round < 2; round++) {
      try {
        const handle = await open(lockPath, "wx", 0o600);
        try {
          await handle.writeFile(`${process.pid}\n`);
        } finally {
          await handle.close();
        }
        return new LockFile(lockPath);
      } catch (error) {
        if (errorCode(error) !== "EEXIST") throw fileSystemError("create the lock file", lockPath, error);
      }
      const owner = await readOwner(lockPath);
      if (owner !== null && isRunning(owner)) {
        throw new QuestionLogError(`question log: another talentbot process (pid ${owner}) is using ${guarded}; stop it or use --data-dir. ` + `If no talentbot is running, delete ${lockPath}.`);
      }
      await removeStale(lockPath);
    }
    throw new QuestionLogError(`question log: could not take the lock ${lockPath} for ${guarded}: another process keeps creating it; stop it or use --data-dir.`);
  }

  /** Removes the lock file if it is still ours. Safe to call twice. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    try {
      if ((await readOwner(this.path)) !== process.pid) return;
      await unlink(this.path);
    } catch (error) {
      // The directory itself is gone or replaced: so is the lock.
      const code = errorCode(error); // also set on the QuestionLogError from readOwner
      if (code !== "ENOENT" && code !== "ENOTDIR") throw fileSystemError("remove the lock file", this.path, error);
    }
  }
}

/** The pid in the lock file, or null if it is missing or unreadable (a crash mid-creation). */
async function readOwner(lockPath: string): Promise<number | null> {
  try {
    const pid = Number.parseInt(await readFile(lockPath, "utf8"), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch (error) {
    if (errorCode(error) === "ENOENT") return null;
    throw fileSystemError("read the lock file", lockPath, error);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0 only checks that the process exists
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return errorCode(error) === "EPERM";
  }
}

async function removeStale(lockPath: string): Promise<void> {
  try {
    await unlink(lockPath);
  } catch (error) {
    if (errorCode(error) !== "ENOENT") throw fileSystemError("remove the stale lock file", lockPath, error);
  }
}
