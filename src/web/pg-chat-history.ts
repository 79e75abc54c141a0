import type { Reply } from "../core/message.js";
import { QuestionLogError } from "../log/errors.js";
import type { PgStore } from "../log/pg-store.js";
import { QuoteMasker, chatItem, firstSeqAt, unsavedItems, type ChatItem, type ChatStore } from "./chat-history.js";

export interface PgChatHistoryOptions {
  /** Items kept per session (oldest dropped). Default 200. */
  maxItems?: number;
  /** A session not used for this long is forgotten. Default 30 days. */
  ttlMs?: number;
  now?: () => Date;
  /** The operator's lines (a failed query). Default: none. */
  report?: (line: string) => void;
}

/**
 * The web chat's conversations in PostgreSQL (tables talentbot_web_sessions and
 * talentbot_web_items, created by the log's migrations), shared by every replica: a page
 * polling replica B sees the staff reply that replica A's outbox delivered. Sequence numbers
 * are taken from the session row inside one transaction, so two replicas writing to one
 * session never reuse a number. User text is masked like in ChatHistory.
 */
export class PgChatHistory implements ChatStore {
  private readonly masker = new QuoteMasker();
  private readonly maxItems: number;
  private readonly ttlMs: number;
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | undefined;
  private unstored = 0;

  constructor(
    private readonly store: PgStore,
    private readonly options: PgChatHistoryOptions = {},
  ) {
    this.maxItems = options.maxItems ?? 200;
    this.ttlMs = options.ttlMs ?? 30 * 24 * 60 * 60 * 1000;
    this.now = options.now ?? (() => new Date());
    this.timer = setInterval(() => void this.expire().catch((error: unknown) => this.report(error)), 60 * 60 * 1000);
    this.timer.unref();
  }

  /** On the store's database (its migrations created the tables); forgets sessions unused for the TTL. */
  static async open(store: PgStore, options: PgChatHistoryOptions = {}): Promise<PgChatHistory> {
    const history = new PgChatHistory(store, options);
    await history.expire();
    return history;
  }

  async since(sessionId: string, afterSeq = 0): Promise<ChatItem[]> {
    const { rows } = await this.store.query<{ data: ChatItem }>("SELECT data FROM talentbot_web_items WHERE session_id = $1 AND seq > $2 ORDER BY seq", [sessionId, afterSeq]);
    return rows.map((r) => r.data);
  }

  async exchange(sessionId: string, text: string, replies: readonly Reply[]): Promise<ChatItem[]> {
    if (replies.some((r) => r.unsaved)) return unsavedItems(text, replies, this.now());
    const masked = this.masker.mask(sessionId, text, replies);
    const lines: [ChatItem["from"], Reply][] = [["user", { text: masked.text }], ...masked.replies.map((reply): [ChatItem["from"], Reply] => ["bot", reply])];
    try {
      return await this.add(sessionId, lines);
    } catch (error) {
      // The database is away: the user still gets the answer, as items that were not stored
      // (negative seq: never mistaken for stored ones, never moving the page's polling point).
      this.report(error);
      const at = this.now().toISOString();
      return lines.map(([from, reply]) => chatItem(-++this.unstored, from, at, reply));
    }
  }

  async deliver(sessionId: string, reply: Reply): Promise<void> {
    await this.add(sessionId, [["staff", reply]]);
  }

  /** Every write is committed when it resolves. */
  async flush(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.store.close();
  }

  private async add(sessionId: string, lines: [ChatItem["from"], Reply][]): Promise<ChatItem[]> {
    const at = this.now().toISOString();
    return this.store.transaction(async (client) => {
      const { rows } = await client.query<{ next_seq: number }>(
        `INSERT INTO talentbot_web_sessions (session_id, next_seq, last_active) VALUES ($1, $4::bigint + $2::bigint, $3)
         ON CONFLICT (session_id) DO UPDATE SET next_seq = talentbot_web_sessions.next_seq + $2, last_active = $3
         RETURNING next_seq`,
        [sessionId, lines.length, at, firstSeqAt(this.now())],
      );
      const first = Number(rows[0]?.next_seq) - lines.length;
      const items = lines.map(([from, reply], index) => chatItem(first + index, from, at, reply));
      await client.query("INSERT INTO talentbot_web_items (session_id, seq, data) SELECT $1, (i->>'seq')::bigint, i FROM jsonb_array_elements($2::jsonb) AS i", [sessionId, JSON.stringify(items)]);
      await client.query("DELETE FROM talentbot_web_items WHERE session_id = $1 AND seq < $2", [sessionId, first + lines.length - this.maxItems]);
      return items;
    });
  }

  private async expire(): Promise<void> {
    const cutoff = new Date(this.now().getTime() - this.ttlMs).toISOString();
    await this.store.query("DELETE FROM talentbot_web_sessions WHERE last_active < $1", [cutoff]);
  }

  private report(error: unknown): void {
    this.options.report?.(`talentbot: web chat history: ${error instanceof QuestionLogError ? error.message : String(error)}`);
  }
}
