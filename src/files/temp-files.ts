import { readdir, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * `<file>.<pid>.tmp` left by a process killed between writing its temp file and renaming it:
 * half a file that nothing reads. Removed when that pid is gone; a live process's (this one's
 * included) may be mid-write and is left alone.
 */
export async function removeStaleTempFiles(file: string): Promise<void> {
  const prefix = `${basename(file)}.`;
  let names: string[];
  try {
    names = await readdir(dirname(file));
  } catch {
    return; // no directory yet
  }
  for (const name of names) {
    const pid = name.startsWith(prefix) && name.endsWith(".tmp") ? Number(name.slice(prefix.length, -".tmp".length)) : Number.NaN;
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isAlive(pid)) continue;
    await rm(join(dirname(file), name), { force: true }).catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
