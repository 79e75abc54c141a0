import { randomBytes } from "node:crypto";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { removeStaleTempFiles } from "../files/temp-files.js";

/** `<dataDir>/admin.json`: how staff commands reach the bot that owns this data directory. */
export const ADMIN_FILE_NAME = "admin.json";

/**
 * Written by the running bot when its admin endpoint listens, removed when it stops.
 * Readable by the bot's user only (mode 0600): the token is what lets a command in.
 */
export interface AdminFile {
  schemaVersion: 1;
  pid: number;
  /** e.g. "http://127.0.0.1:41234" — loopback only. */
  url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token: string;
  /** The knowledge directory the bot serves (promote writes there). */
  knowledgeDir: string;
  startedAt: string;
}

export const adminFilePath = (dataDir: string) => join(dataDir, ADMIN_FILE_NAME);

export const newToken = () => randomBytes(24).toString("base64url");

export async function writeAdminFile(dataDir: string, content: AdminFile): Promise<void> {
  const path = adminFilePath(dataDir);
  await removeStaleTempFiles(path);
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, path); // a reader never sees half a file
}

/** The admin file, or undefined when there is none or it is unreadable (a crash mid-write). */
export async function readAdminFile(dataDir: string): Promise<AdminFile | undefined> {
  let text: string;
  try {
    text = await readFile(adminFilePath(dataDir), "utf8");
  } catch {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null) return undefined;
    const v = value as Record<string, unknown>;
    if (typeof v["pid"] !== "number" || typeof v["url"] !== "string" || typeof v["token"] !== "string" || typeof v["knowledgeDir"] !== "string") return undefined;
    return value as AdminFile;
  } catch {
    return undefined;
  }
}

/** Removes the admin file if it still belongs to this process. */
export async function removeAdminFile(dataDir: string): Promise<void> {
  const current = await readAdminFile(dataDir);
  if (current && current.pid !== process.pid) return;
  await rm(adminFilePath(dataDir), { force: true });
}

export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0 only checks that the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // exists, another user's
  }
}
