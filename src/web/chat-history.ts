import { chmod, mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { WebInbox } from "./channel.js";
import type { Reply } from "../core/message.js";
import { removeStaleTempFiles } from "../files/temp-files.js";
import { maskPersonalData } from "../log/mask.js";

/** The history file could not be used at open: moved aside (`movedTo`), or left alone and not written (`movedTo` null). */
export interface ChatHistoryProblem {
  file: string;
  movedTo: string | null;
}

/** One line of a web conversation as the page shows it. */
export interface ChatItem extends Reply {
  /** Increases within a session; the page asks for items after the last one it has. */
  seq: number;
  /** "user": typed or pressed in the page (personal data masked); "bot": the core's reply; "staff": a staff reply from the outbox. */
  from: "user" | "bot" | "staff";
  /** ISO time. */
  at: string;
}

/**
 * Where the web chat's conversations are kept: ChatHistory (memory + web-chat.json, one
 * process) or PgChatHistory (PostgreSQL, shared by every replica, so a staff reply delivered
 * by one replica is seen by a page polling another).
 */
export interface ChatStore extends WebInbox {
  since(sessionId: string, afterSeq?: number): ChatItem[] | Promise<ChatItem[]>;
  exchange(sessionId: string, text: string, replies: readonly Reply[]): ChatItem[] | Promise<ChatItem[]>;
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Problems found at open (a corrupt file moved aside), for the operator and the console. */
  readonly warnings?: readonly ChatHistoryProblem[];
}

/**
 * Masks what the web chat stores of one exchange: the user's text, and quotes of earlier
 * raw texts with personal data in the bot's replies (人工: 已记录您的问题“…”). The bot's own
 * text (an office phone number) must stay as it is, so the raw texts that held personal data
 * are remembered, in memory only, for a few messages per session.
 */
export class QuoteMasker {
  private readonly rawWithPersonalData = new Map<string, string[]>();

  mask(sessionId: string, text: string, replies: readonly Reply[]): { text: string; replies: Reply[] } {
    const masked = maskPersonalData(text);
    let raw = this.rawWithPersonalData.get(sessionId) ?? [];
    this.rawWithPersonalData.delete(sessionId);
    if (masked !== text && text.trim()) raw = [...raw, text.trim()].slice(-5);
    if (raw.length > 0) this.rawWithPersonalData.set(sessionId, raw);
    while (this.rawWithPersonalData.size > 1000) this.rawWithPersonalData.delete(this.rawWithPersonalData.keys().next().value!);
    const quoted = (reply: Reply): Reply => ({ ...reply, text: raw.reduce((out, r) => out.split(r).join(maskPersonalData(r)), reply.text) });
    return { text: masked, replies: replies.map(quoted) };
  }
}

interface Session {
  items: ChatItem[];
  nextSeq: number;
  /** ISO time of the last message either way. */
  lastActive: string;
}

export interface ChatHistoryOptions {
  /** JSON file that keeps the conversations across restarts (mode 0600); none: memory only. */
  file?: string;
  /** Items kept per session (oldest dropped). Default 200. */
  maxItems?: number;
  /** Sessions kept (least recently active dropped). Default 5 000. */
  maxSessions?: number;
  /** A session not used for this long is forgotten. Default 30 days. */
  ttlMs?: number;
  /** Quiet time before a change is written. Default 500 ms. */
  writeDelayMs?: number;
  now?: () => Date;
  /** The operator's lines (a failed write, a damaged file moved aside). Default: none. */
  report?: (line: string) => void;
}

const FILE_VERSION = 1;

/**
 * The conversations of the web chat page, per browser session: what the user sent (masked like
 * everything the bot stores), the bot's replies and staff replies delivered through the outbox.
 * The page re-reads it after a reload and polls it for staff replies. Kept in memory and, with
 * `file`, written (temp file + rename) shortly after each change so a restart keeps staff replies
 * that the user has not seen yet.
 */
export class ChatHistory implements ChatStore {
  private readonly sessions = new Map<string, Session>();
  private readonly masker = new QuoteMasker();
  private readonly maxItems: number;
  private readonly maxSessions: number;
  private readonly ttlMs: number;
  private readonly writeDelayMs: number;
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;
  /** Set when the file exists but could not be read: it is never overwritten then, the history stays in memory. */
  private keepOffFile = false;
  private readonly problems: ChatHistoryProblem[] = [];

  private constructor(private readonly options: ChatHistoryOptions) {
    this.maxItems = options.maxItems ?? 200;
    this.maxSessions = options.maxSessions ?? 5_000;
    this.ttlMs = options.ttlMs ?? 30 * 24 * 60 * 60 * 1000;
    this.writeDelayMs = options.writeDelayMs ?? 500;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Reads the file if there is one. A file that is not valid is moved aside unchanged
   * (`web-chat.json.corrupt-<time>`, like the question log) and an empty history starts; a file
   * that cannot be read at all (permissions) is left alone and the history is kept in memory
   * only. Either way it is reported and listed in `warnings`, for the operator and the console.
   */
  static async open(options: ChatHistoryOptions = {}): Promise<ChatHistory> {
    const history = new ChatHistory(options);
    if (options.file) {
      await removeStaleTempFiles(options.file);
      let text: string | undefined;
      try {
        text = await readFile(options.file, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
          history.keepOffFile = true;
          history.warn(
            `web chat history ${options.file} could not be read (${error instanceof Error ? error.message : String(error)}); it is left as it is and new conversations are kept in memory only until the bot restarts. Fix the file's permissions and restart.`,
            { file: options.file, movedTo: null },
          );
        }
      }
      if (text !== undefined) await history.loadOrMoveAside(text, options.file);
    }
    history.expire();
    return history;
  }

  /** Problems found at open (a corrupt file moved aside …), for the staff console. */
  get warnings(): readonly ChatHistoryProblem[] {
    return this.problems.map((p) => ({ ...p }));
  }

  /** The items of a session after `afterSeq` (all with 0). */
  since(sessionId: string, afterSeq = 0): ChatItem[] {
    const session = this.sessions.get(sessionId);
    if (!session) return [];
    return session.items.filter((item) => item.seq > afterSeq).map((item) => structuredClone(item));
  }

  /** Appends what the user sent and the bot's replies; returns the stored items. */
  exchange(sessionId: string, text: string, replies: readonly Reply[]): ChatItem[] {
    if (replies.some((r) => r.unsaved)) return unsavedItems(text, replies, this.now());
    const masked = this.masker.mask(sessionId, text, replies);
    return [this.add(sessionId, "user", { text: masked.text }), ...masked.replies.map((reply) => this.add(sessionId, "bot", reply))];
  }

  async deliver(sessionId: string, reply: Reply): Promise<void> {
    this.add(sessionId, "staff", reply);
    await this.flush();
  }

  /** Resolves when every change so far is written. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.dirty) this.writing = this.writing.then(() => this.write());
    await this.writing;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  private add(sessionId: string, from: ChatItem["from"], reply: Reply): ChatItem {
    const at = this.now().toISOString();
    let session = this.sessions.get(sessionId);
    if (session) this.sessions.delete(sessionId); // re-inserted last: Map order is least recently active first
    session ??= { items: [], nextSeq: 1, lastActive: at };
    this.sessions.set(sessionId, session);
    const item = chatItem(session.nextSeq++, from, at, reply);
    session.items.push(item);
    if (session.items.length > this.maxItems) session.items.splice(0, session.items.length - this.maxItems);
    session.lastActive = at;
    while (this.sessions.size > this.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
    this.changed();
    return structuredClone(item);
  }

  private expire(): void {
    const cutoff = new Date(this.now().getTime() - this.ttlMs).toISOString();
    for (const [id, session] of this.sessions) if (session.lastActive < cutoff) this.sessions.delete(id);
  }

  private changed(): void {
    if (!this.options.file) return;
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush().catch(() => undefined), this.writeDelayMs);
    this.timer.unref();
  }

  private async write(): Promise<void> {
    const file = this.options.file;
    if (!file || !this.dirty || this.keepOffFile) return;
    this.dirty = false;
    this.expire();
    const data = { version: FILE_VERSION, sessions: Object.fromEntries(this.sessions) };
    const temp = `${file}.${process.pid}.tmp`;
    try {
      await mkdir(dirname(file), { recursive: true, mode: 0o700 });
      await writeFile(temp, JSON.stringify(data), { encoding: "utf8", mode: 0o600 });
      await rename(temp, file);
    } catch (error) {
      this.dirty = true;
      this.options.report?.(`talentbot: web chat history ${file} could not be written: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private warn(line: string, problem: ChatHistoryProblem): void {
    this.problems.push(problem);
    this.options.report?.(`talentbot: ${line}`);
  }

  private async loadOrMoveAside(text: string, file: string): Promise<void> {
    let problem: string;
    try {
      const data = JSON.parse(text) as { version?: unknown; sessions?: Record<string, Session> };
      if (data.version !== FILE_VERSION || typeof data.sessions !== "object" || data.sessions === null) throw new Error(`unknown format (version ${String(data.version)})`);
      const sessions = Object.entries(data.sessions)
        .filter(([, s]) => Array.isArray(s.items) && typeof s.nextSeq === "number" && typeof s.lastActive === "string")
        .sort(([, a], [, b]) => (a.lastActive < b.lastActive ? -1 : 1));
      for (const [id, session] of sessions) this.sessions.set(id, session);
      return;
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    // Conversations and staff replies not yet seen are in there: never overwrite it.
    const stamp = this.now().toISOString().replace(/[:.]/g, "-");
    let target = `${file}.corrupt-${stamp}`;
    for (let n = 1; await exists(target); n++) target = `${file}.corrupt-${stamp}-${n}`;
    try {
      await rename(file, target);
      await chmod(target, 0o600).catch(() => undefined);
    } catch (error) {
      this.keepOffFile = true;
      this.warn(`web chat history ${file} is unreadable (${problem}) and could not be moved aside (${error instanceof Error ? error.message : String(error)}); it is left as it is and new conversations are kept in memory only.`, { file, movedTo: null });
      return;
    }
    this.warn(
      `web chat history ${file} was unreadable (${problem}). It was moved unchanged to ${target} and an empty history was started: earlier web conversations and staff replies waiting there are in that file; look at it (or restore it with the bot stopped) before deleting it.`,
      { file, movedTo: target },
    );
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

let unsavedSeq = 0;

/**
 * An exchange the transcript must not keep (a reply marked `unsaved`: the eligibility check's
 * answers): the items for the page, with negative seqs like unstored ones — never mistaken for
 * stored items, never moving the page's polling point — and stored nowhere.
 */
export function unsavedItems(text: string, replies: readonly Reply[], now: Date): ChatItem[] {
  const at = now.toISOString();
  return [chatItem(-++unsavedSeq, "user", at, { text: maskPersonalData(text) }), ...replies.map((reply) => chatItem(-++unsavedSeq, "bot", at, reply))];
}

/** The stored form of one line of a conversation. */
export function chatItem(seq: number, from: ChatItem["from"], at: string, reply: Reply): ChatItem {
  const item: ChatItem = { seq, from, at, text: reply.text };
  if (reply.choices?.length) item.choices = reply.choices.map(({ label, faqId }) => ({ label, faqId }));
  if (reply.citation) item.citation = { ...reply.citation };
  if (reply.feedback) item.feedback = true;
  return item;
}
