import { open, type FileHandle } from "node:fs/promises";
import { writeSync } from "node:fs";
import { fileSystemError } from "./errors.js";
import { PRIVATE_FILE_MODE } from "./private-files.js";

/** Open append handles of the entries files and the journal (an open + close per line costs more than the write). */
export class AppendFiles {
  private readonly handles = new Map<string, FileHandle>();

  /** Appends `text` to `file`, starting a new (empty) file with `header`. */
  async append(file: string, header: string, text: string): Promise<void> {
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
      await this.drop(file); // opened again next time (the file may have been replaced)
      throw fileSystemError("append to", file, error);
    }
  }

  async drop(file: string): Promise<void> {
    const handle = this.handles.get(file);
    this.handles.delete(file);
    await handle?.close().catch(() => undefined);
  }

  /** Closes every handle (the store is closing). */
  async closeAll(): Promise<void> {
    for (const file of [...this.handles.keys()]) await this.drop(file);
  }
}
