import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { errorCode } from "./errors.js";

/** Data files hold conversation and session ids: readable by the bot's user only. */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Creates a data directory (mode 0700) or narrows an existing one to 0700. */
export async function preparePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  // mkdir's mode does not apply to a directory that already exists (or was made by an old version).
  const { mode } = await stat(dir);
  if ((mode & 0o077) !== 0) await chmod(dir, mode & ~0o077 & 0o7777);
}

/** The temp file a {@link PrivateTextFile} writes before the rename (the name lowdb's steno used). */
export const tempFileOf = (file: string): string => join(dirname(file), `.${basename(file)}.tmp`);

/**
 * lowdb's TextFile with one difference: the temp file is created 0600, so the file renamed from
 * it is never readable by others, not even for a moment (steno creates it 0644). Same steps
 * otherwise: write the temp file, rename it over the file.
 */
export class PrivateTextFile {
  constructor(readonly file: string) {}

  async read(): Promise<string | null> {
    try {
      return await readFile(this.file, "utf8");
    } catch (error) {
      if (errorCode(error) === "ENOENT") return null;
      throw error;
    }
  }

  async write(text: string): Promise<void> {
    const temp = tempFileOf(this.file);
    await writeFile(temp, text, { encoding: "utf8", mode: PRIVATE_FILE_MODE });
    await rename(temp, this.file);
  }
}

/**
 * Makes a data directory private after a crash or an older version: partial temp files of a
 * process killed mid-write removed (the lock says no other process writes here), every data
 * file narrowed to 0600.
 */
export async function tidyPrivateDir(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return;
    throw error;
  }
  for (const name of names) {
    const path = join(dir, name);
    if (name.startsWith(".") && name.endsWith(".tmp")) {
      await rm(path, { force: true });
      continue;
    }
    const s = await stat(path).catch(() => undefined);
    if (s?.isFile() && (s.mode & 0o077) !== 0) await chmod(path, PRIVATE_FILE_MODE);
  }
}
