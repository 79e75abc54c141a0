import type { Reply } from "../core/message.js";
import { maskPersonalData, withoutControlCharacters } from "../log/mask.js";
import { CoalescingWriteQueue } from "../log/write-queue.js";
import type { WebInbox } from "./channel.js";
import { ChatHistoryFiles, type ChatFileProblem, type StoredSession } from "./chat-history-files.js";

/** A history file could not be used at open: moved aside (`movedTo`), or left alone and not written (`movedTo` null). */
export type ChatHistoryProblem = ChatFileProblem;

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
    // The bot quotes the text as the pipeline cleaned it (invisible characters removed): remember both forms.
    if (masked !== text && text.trim()) raw = [...new Set([...raw, text.trim(), withoutControlCharacters(text).trim()])].slice(-10);
    if (raw.length > 0) this.rawWithPersonalData.set(sessionId, raw);
    while (this.rawWithPersonalData.size > 1000) this.rawWithPersonalData.delete(this.rawWithPersonalData.keys().next().value!);
    const quoted = (reply: Reply): Reply => ({ ...reply, text: raw.reduce((out, r) => out.split(r).join(maskPersonalData(r)), reply.text) });
    return { text: masked, replies: replies.map(quoted) };
  }
}

type Session = StoredSession;

export interface ChatHistoryOptions {
  /**
   * JSON file that keeps the conversations across restarts (mode 0600), with its journal beside
   * it (`web-chat.journal.jsonl`); none: memory only.
   */
  file?: string;
  /** Items kept per session (oldest dropped). Default 200. */
  maxItems?: number;
  /** Sessions kept (least recently active dropped). Default 5 000. */
  maxSessions?: number;
  /** A session not used for this long is forgotten. Default 30 days. */
  ttlMs?: number;
  /** Journal lines after which the snapshot is rewritten and the journal emptied. Default 1 000. */
  snapshotEvery?: number;
  now?: () => Date;
  /** The operator's lines (a failed write, a damaged file moved aside). Default: none. */
  report?: (line: string) => void;
}

/**
 * The conversations of the web chat page, per browser session: what the user sent (masked like
 * everything the bot stores), the bot's replies and staff replies delivered through the outbox.
 * The page re-reads it after a reload and polls it for staff replies. Kept in memory and, with
 * `file`, on disk before the page gets its answer (ChatHistoryFiles: a journal line per item,
 * a snapshot now and then; concurrent exchanges share one append), so neither a restart nor a
 * kill -9 loses what a user was shown or a staff reply the user has not seen yet.
 */
export class ChatHistory implements ChatStore {
  private readonly sessions = new Map<string, Session>();
  private readonly masker = new QuoteMasker();
  private readonly maxItems: number;
  private readonly maxSessions: number;
  private readonly ttlMs: number;
  private readonly snapshotEvery: number;
  private readonly now: () => Date;
  private readonly files: ChatHistoryFiles | undefined;
  private readonly queue = new CoalescingWriteQueue(() => this.write());
  /** Items added since the last append, in order. */
  private unwritten: [string, ChatItem][] = [];
  private snapshotDue = false;

  private constructor(private readonly options: ChatHistoryOptions) {
    this.maxItems = options.maxItems ?? 200;
    this.maxSessions = options.maxSessions ?? 5_000;
    this.ttlMs = options.ttlMs ?? 30 * 24 * 60 * 60 * 1000;
    this.snapshotEvery = options.snapshotEvery ?? 1_000;
    this.now = options.now ?? (() => new Date());
    if (options.file) this.files = new ChatHistoryFiles(options.file, (line) => options.report?.(line), this.now);
  }

  /**
   * Reads the files if there are any. A file that is not valid is moved aside unchanged
   * (`web-chat.json.corrupt-<time>`, like the question log) and an empty history starts; a file
   * that cannot be read at all (permissions) is left alone and the history is kept in memory
   * only. Either way it is reported and listed in `warnings`, for the operator and the console.
   */
  static async open(options: ChatHistoryOptions = {}): Promise<ChatHistory> {
    const history = new ChatHistory(options);
    if (history.files) {
      await history.files.load(history.sessions);
      history.trim();
      if (history.files.compactAfterLoad) {
        history.snapshotDue = true;
        await history.queue.save();
      }
    }
    return history;
  }

  /** Problems found at open (a corrupt file moved aside …), for the staff console. */
  get warnings(): readonly ChatHistoryProblem[] {
    return (this.files?.problems ?? []).map((p) => ({ ...p }));
  }

  /** The items of a session after `afterSeq` (all with 0). */
  since(sessionId: string, afterSeq = 0): ChatItem[] {
    const session = this.sessions.get(sessionId);
    if (!session) return [];
    return session.items.filter((item) => item.seq > afterSeq).map((item) => structuredClone(item));
  }

  /** Appends what the user sent and the bot's replies; resolves with the stored items once they are on disk. */
  async exchange(sessionId: string, text: string, replies: readonly Reply[]): Promise<ChatItem[]> {
    if (replies.some((r) => r.unsaved)) return unsavedItems(text, replies, this.now());
    const masked = this.masker.mask(sessionId, text, replies);
    const items = [this.add(sessionId, "user", { text: masked.text }), ...masked.replies.map((reply) => this.add(sessionId, "bot", reply))];
    await this.saved();
    return items;
  }

  async deliver(sessionId: string, reply: Reply): Promise<void> {
    this.add(sessionId, "staff", reply);
    await this.saved();
  }

  /** Resolves when every change so far is written. */
  async flush(): Promise<void> {
    await this.queue.save().catch(() => undefined);
  }

  /** Writes a last snapshot (the next start reads one file, not a long journal). */
  async close(): Promise<void> {
    if (!this.files) return;
    this.snapshotDue = true;
    await this.flush();
  }

  private add(sessionId: string, from: ChatItem["from"], reply: Reply): ChatItem {
    const at = this.now().toISOString();
    let session = this.sessions.get(sessionId);
    if (session) this.sessions.delete(sessionId); // re-inserted last: Map order is least recently active first
    session ??= { items: [], nextSeq: firstSeqAt(this.now()), lastActive: at };
    this.sessions.set(sessionId, session);
    const item = chatItem(session.nextSeq++, from, at, reply);
    session.items.push(item);
    if (session.items.length > this.maxItems) session.items.splice(0, session.items.length - this.maxItems);
    session.lastActive = at;
    while (this.sessions.size > this.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
    if (this.files) this.unwritten.push([sessionId, item]);
    return structuredClone(item);
  }

  /** Waits until the items added so far are on disk; a failed write is reported, and the answer still goes out. */
  private async saved(): Promise<void> {
    if (!this.files?.writable) return;
    await this.queue.save().catch(() => undefined);
  }

  private trim(): void {
    const cutoff = new Date(this.now().getTime() - this.ttlMs).toISOString();
    for (const [id, session] of this.sessions) if (session.lastActive < cutoff) this.sessions.delete(id);
    for (const session of this.sessions.values()) if (session.items.length > this.maxItems) session.items.splice(0, session.items.length - this.maxItems);
    while (this.sessions.size > this.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
  }

  private async write(): Promise<void> {
    const files = this.files;
    if (!files?.writable) return;
    const items = this.unwritten;
    this.unwritten = [];
    let appended = false;
    try {
      await files.append(items);
      appended = true;
      if (this.snapshotDue || files.journalLength >= this.snapshotEvery) {
        this.snapshotDue = false;
        this.trim();
        await files.writeSnapshot(this.sessions);
      }
    } catch (error) {
      if (!appended) this.unwritten = [...items, ...this.unwritten]; // tried again with the next change
      this.snapshotDue = true; // and a snapshot then: a half-written line must not stay in the journal's way
      this.options.report?.(`talentbot: web chat history ${files.snapshot} could not be written: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
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
  return [chatItem(-++unsavedSeq, "user", at, { text: maskPersonalData(text) }), ...unsavedReplies(replies, now)];
}

/** Bot replies shown but never stored (a question of the eligibility check shown again), with negative seqs like unsavedItems. */
export function unsavedReplies(replies: readonly Reply[], now: Date): ChatItem[] {
  const at = now.toISOString();
  return replies.map((reply) => chatItem(-++unsavedSeq, "bot", at, reply));
}

/** The stored form of one line of a conversation. */
/**
 * A new session's first seq: the milliseconds since 2020-01-01. A page still holding the seqs of a session this
 * store no longer has (its file was corrupt and moved aside, or the session expired) polls "after" a number
 * below it — a session would need more than one item per millisecond of its life to reach it — so what comes
 * now (a staff reply, the next answer) is shown, not skipped as already seen. Exact in a double (and in the
 * PostgreSQL store's bigint) for millennia.
 */
export function firstSeqAt(now: Date): number {
  return Math.max(1, now.getTime() - Date.UTC(2020, 0, 1));
}

export function chatItem(seq: number, from: ChatItem["from"], at: string, reply: Reply): ChatItem {
  const item: ChatItem = { seq, from, at, text: reply.text };
  if (reply.choices?.length) item.choices = reply.choices.map(({ label, faqId }) => ({ label, faqId }));
  if (reply.citation) item.citation = { ...reply.citation };
  if (reply.citations?.length) item.citations = reply.citations.map((c) => ({ ...c }));
  if (reply.number) item.number = { ...reply.number };
  if (reply.feedback) item.feedback = true;
  return item;
}
