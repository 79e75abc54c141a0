import { appendFile, chmod, mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { removeStaleTempFiles } from "../files/temp-files.js";
import type { ChatItem } from "./chat-history.js";

/** One web conversation as the files keep it. */
export interface StoredSession {
  items: ChatItem[];
  nextSeq: number;
  /** ISO time of the last message either way. */
  lastActive: string;
}

/** A file that could not be used at open: moved aside (`movedTo`), or left alone and not written (`movedTo` null). */
export interface ChatFileProblem {
  file: string;
  movedTo: string | null;
}

/** Schema version of the snapshot (`web-chat.json`) and of the journal's header line. */
export const CHAT_FILES_VERSION = 1;

/** The journal beside a snapshot: `web-chat.json` → `web-chat.journal.jsonl`. */
export const journalPathOf = (snapshot: string): string => `${snapshot.replace(/\.json$/, "")}.journal.jsonl`;

const JOURNAL_HEADER = `${JSON.stringify({ version: CHAT_FILES_VERSION, file: "talentbot web chat journal" })}\n`;

/**
 * The web chat's two files. Every item is appended to the journal (one JSON line, written before
 * the page gets its answer, so a process killed mid-burst loses nothing it acknowledged); the
 * snapshot holds every session and is rewritten (temp file + rename) once the journal is long,
 * after which the journal starts again. Opening reads the snapshot and replays the journal;
 * replay is by sequence number, so a line already in the snapshot is skipped.
 */
export class ChatHistoryFiles {
  readonly journal: string;
  private journalLines = 0;
  private cutLastLine = false;
  /** Whether the journal file exists with its header line (appends then add lines only). */
  private journalStarted = false;
  /** Set when a file exists but could not be used: nothing is written then (the history stays in memory). */
  private keepOff = false;
  readonly problems: ChatFileProblem[] = [];

  constructor(
    readonly snapshot: string,
    private readonly report: (line: string) => void,
    private readonly now: () => Date,
  ) {
    this.journal = journalPathOf(snapshot);
  }

  /** Reads both files into `sessions` (least recently active first). Problems are reported and kept in `problems`. */
  async load(sessions: Map<string, StoredSession>): Promise<void> {
    await removeStaleTempFiles(this.snapshot);
    await removeStaleTempFiles(this.journal);
    const snapshotText = await this.readOrKeepOff(this.snapshot);
    if (snapshotText !== undefined && !(await this.loadSnapshot(snapshotText, sessions))) return;
    if (this.keepOff) return;
    const journalText = await this.readOrKeepOff(this.journal);
    if (journalText !== undefined) await this.replayJournal(journalText, sessions);
  }

  /** Whether the journal read at open should be folded into a new snapshot now (it has lines, or a cut last line that the next append would join). */
  get compactAfterLoad(): boolean {
    return this.cutLastLine || this.journalLines > 0;
  }

  /** Whether writing is off (a file could not be used at open). */
  get writable(): boolean {
    return !this.keepOff;
  }

  /** Appends items to the journal (`[sessionId, item]` pairs, in order). */
  async append(items: readonly (readonly [string, ChatItem])[]): Promise<void> {
    if (this.keepOff || items.length === 0) return;
    await mkdir(dirname(this.journal), { recursive: true, mode: 0o700 });
    const lines = items.map(([session, item]) => `${JSON.stringify({ session, item })}\n`).join("");
    await appendFile(this.journal, (this.journalStarted ? "" : JOURNAL_HEADER) + lines, { encoding: "utf8", mode: 0o600 });
    this.journalStarted = true;
    this.journalLines += items.length;
  }

  /** Items in the journal since the last snapshot. */
  get journalLength(): number {
    return this.journalLines;
  }

  /** Writes every session to the snapshot, then empties the journal (its lines are all in the snapshot). */
  async writeSnapshot(sessions: ReadonlyMap<string, StoredSession>): Promise<void> {
    if (this.keepOff) return;
    await mkdir(dirname(this.snapshot), { recursive: true, mode: 0o700 });
    await writePrivately(this.snapshot, JSON.stringify({ version: CHAT_FILES_VERSION, sessions: Object.fromEntries(sessions) }));
    await writePrivately(this.journal, JOURNAL_HEADER);
    this.journalStarted = true;
    this.journalLines = 0;
    this.cutLastLine = false;
  }

  private async readOrKeepOff(file: string): Promise<string | undefined> {
    try {
      return await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      this.keepOff = true;
      this.warn(
        `web chat history ${file} could not be read (${messageOf(error)}); it is left as it is and new conversations are kept in memory only until the bot restarts. Fix the file's permissions and restart.`,
        { file, movedTo: null },
      );
      return undefined;
    }
  }

  /** False when the snapshot was unusable and could not be moved aside (nothing more is read or written). */
  private async loadSnapshot(text: string, sessions: Map<string, StoredSession>): Promise<boolean> {
    let problem: string;
    try {
      const data = JSON.parse(text) as { version?: unknown; sessions?: Record<string, StoredSession> };
      if (data.version !== CHAT_FILES_VERSION || typeof data.sessions !== "object" || data.sessions === null) {
        throw new Error(`unknown format (version ${String(data.version)})`);
      }
      const stored = Object.entries(data.sessions)
        .filter(([, s]) => Array.isArray(s.items) && typeof s.nextSeq === "number" && typeof s.lastActive === "string")
        .sort(([, a], [, b]) => (a.lastActive < b.lastActive ? -1 : 1));
      for (const [id, session] of stored) sessions.set(id, session);
      return true;
    } catch (error) {
      problem = messageOf(error);
    }
    return this.moveAside(this.snapshot, problem);
  }

  private async replayJournal(text: string, sessions: Map<string, StoredSession>): Promise<void> {
    // The piece after the last "\n" is empty, or a line cut by a kill mid-append: never replayed.
    const complete = text.split("\n").slice(0, -1);
    this.cutLastLine = !text.endsWith("\n") && text.length > 0;
    let header: { version?: unknown } | undefined;
    try {
      header = complete.length > 0 ? (JSON.parse(complete[0]!) as { version?: unknown }) : undefined;
    } catch {
      header = undefined;
    }
    if (complete.length > 0 && header?.version !== CHAT_FILES_VERSION) {
      // An unknown journal is not ours to replay or to overwrite.
      await this.moveAside(this.journal, `unknown format (version ${String(header?.version)})`);
      this.cutLastLine = false;
      return;
    }
    this.journalStarted = complete.length > 0;
    let skipped = 0;
    for (const line of complete.slice(1)) {
      const entry = parseJournalLine(line);
      if (!entry) {
        skipped++;
        continue;
      }
      const [id, item] = entry;
      let session = sessions.get(id);
      if (session && item.seq < session.nextSeq) continue; // already in the snapshot
      if (session) sessions.delete(id); // re-inserted last: Map order is least recently active first
      session ??= { items: [], nextSeq: 1, lastActive: item.at };
      session.items.push(item);
      session.nextSeq = item.seq + 1;
      session.lastActive = item.at;
      sessions.set(id, session);
    }
    this.journalLines = complete.length > 1 ? complete.length - 1 : 0;
    if (skipped > 0) this.report(`talentbot: web chat journal ${this.journal}: ${skipped} unreadable line(s) skipped.`);
  }

  private async moveAside(file: string, problem: string): Promise<boolean> {
    // Conversations and staff replies not yet seen are in there: never overwrite it.
    const stamp = this.now().toISOString().replace(/[:.]/g, "-");
    let target = `${file}.corrupt-${stamp}`;
    for (let n = 1; await exists(target); n++) target = `${file}.corrupt-${stamp}-${n}`;
    try {
      await rename(file, target);
      await chmod(target, 0o600).catch(() => undefined);
    } catch (error) {
      this.keepOff = true;
      this.warn(`web chat history ${file} is unreadable (${problem}) and could not be moved aside (${messageOf(error)}); it is left as it is and new conversations are kept in memory only.`, {
        file,
        movedTo: null,
      });
      return false;
    }
    this.warn(
      `web chat history ${file} was unreadable (${problem}). It was moved unchanged to ${target} and an empty history was started: earlier web conversations and staff replies waiting there are in that file; look at it (or restore it with the bot stopped) before deleting it.`,
      { file, movedTo: target },
    );
    return true;
  }

  private warn(line: string, problem: ChatFileProblem): void {
    this.problems.push(problem);
    this.report(`talentbot: ${line}`);
  }
}

function parseJournalLine(line: string): [string, ChatItem] | undefined {
  try {
    const { session, item } = JSON.parse(line) as { session?: unknown; item?: Partial<ChatItem> };
    if (typeof session !== "string" || !item || typeof item.seq !== "number" || typeof item.at !== "string" || typeof item.text !== "string") return undefined;
    return [session, item as ChatItem];
  } catch {
    return undefined;
  }
}

/** Temp file (0600) + rename: a reader never sees half a file. */
async function writePrivately(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text, { encoding: "utf8", mode: 0o600 });
  await rename(temp, file);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
