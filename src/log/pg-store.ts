import pg from "pg";
import type { Pool, PoolClient } from "pg";
import { QuestionLogError, errorMessage } from "./errors.js";
import { PgConnection, databaseError, describeDatabase } from "./pg-connection.js";
import { countOutcome, faqHits, monthlyReport } from "./pg-counters.js";
import { escalate, getGroup, listGroups, recordQuestion, reply, setGroupStatus } from "./pg-groups.js";
import { claimOutbox, completeOutbox, pendingOutbox } from "./pg-outbox.js";
import { applyRetention } from "./pg-retention.js";
import { LOCK_CLASS, applyMigrations } from "./pg-schema.js";
import type { MonthlyReport } from "./report.js";
import type { GroupingRule, LogStore, NewQuestion, OutboxClaim, OutboxResult, StatusChange } from "./store.js";
import type { GroupStatus, LoggedQuestion, Outcome, OutboxMessage, QuestionGroup } from "./types.js";

// The parts: the schema (pg-schema.ts), the pool and its errors (pg-connection.ts), the operations
// by area (pg-groups.ts, pg-outbox.ts, pg-counters.ts, pg-retention.ts).
export { MIGRATIONS, SCHEMA_LATEST } from "./pg-schema.js";
export { databaseError, describeDatabase } from "./pg-connection.js";
export { insertGroup } from "./pg-groups.js";

/**
 * The question log in PostgreSQL (node-postgres), shared by any number of
 * bot processes. Every operation is one transaction; grouping takes a
 * transaction advisory lock so two replicas never both start a group for
 * the same new question; outbox claims use FOR UPDATE SKIP LOCKED with a
 * lease in the database's clock.
 */
export class PgStore extends PgConnection implements LogStore {
  readonly kind = "postgres" as const;
  readonly shared = true;
  readonly warnings: string[] = [];
  readonly staffWarnings: string[] = [];
  private lockClient: PoolClient | undefined;
  private readonly held = new Set<string>();

  private constructor(pool: Pool, location: string) {
    super(pool, location);
  }

  /** Connects, creates or migrates the schema. Throws QuestionLogError with what to do when it cannot. */
  static async open(url: string, options: { report?: (line: string) => void; max?: number } = {}): Promise<PgStore> {
    const location = describeDatabase(url);
    let pool: Pool;
    try {
      pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 });
    } catch (error) {
      throw new QuestionLogError(`question log: DATABASE_URL is not a valid PostgreSQL connection string (${errorMessage(error)}); write it as postgres://user:password@host:5432/database.`);
    }
    // A connection that dies while idle (server restart) must not crash the bot; the pool makes a new one.
    pool.on("error", (error) => options.report?.(`talentbot: ${databaseError(location, error).message}`));
    const store = new PgStore(pool, location);
    try {
      await store.migrate();
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw databaseError(location, error);
    }
    return store;
  }

  /** Applies missing migrations; refuses a database migrated by a newer talentbot. */
  async migrate(): Promise<number[]> {
    return this.transaction((client) => applyMigrations(client, this.location));
  }

  recordQuestion(question: NewQuestion, grouping: GroupingRule): Promise<LoggedQuestion> {
    return recordQuestion(this, question, grouping);
  }

  countOutcome(day: string, outcome: Outcome, faqId?: string): Promise<void> {
    return countOutcome(this, day, outcome, faqId);
  }

  listGroups(filter: { status?: GroupStatus; since?: string } = {}): Promise<QuestionGroup[]> {
    return listGroups(this, filter);
  }

  getGroup(groupId: string): Promise<{ group: QuestionGroup; entries: LoggedQuestion[] } | undefined> {
    return getGroup(this, groupId);
  }

  escalate(entryId: string, at: string): Promise<LoggedQuestion | undefined> {
    return escalate(this, entryId, at);
  }

  setGroupStatus(groupId: string, change: StatusChange, at: string): Promise<QuestionGroup | undefined> {
    return setGroupStatus(this, groupId, change, at);
  }

  reply(groupId: string, text: string, at: string): Promise<{ group: QuestionGroup; messages: OutboxMessage[] } | undefined> {
    return reply(this, groupId, text, at);
  }

  pendingOutbox(filter: { channel?: string; groupId?: string; maxAttempts: number }): Promise<OutboxMessage[]> {
    return pendingOutbox(this, filter);
  }

  claimOutbox(claim: OutboxClaim): Promise<OutboxMessage[]> {
    return claimOutbox(this, claim);
  }

  completeOutbox(messageId: string, owner: string | undefined, result: OutboxResult): Promise<boolean> {
    return completeOutbox(this, messageId, owner, result);
  }

  monthlyReport(month: string): Promise<MonthlyReport> {
    return monthlyReport(this, month);
  }

  faqHits(since?: string): Promise<Record<string, number>> {
    return faqHits(this, since);
  }

  applyRetention(cutoff: string): Promise<number> {
    return applyRetention(this, cutoff);
  }

  async tryExclusive(name: string): Promise<boolean> {
    if (this.held.has(name)) return false;
    try {
      if (!this.lockClient) {
        const client = await this.pool.connect();
        // Its connection ending (a database restart) ends its locks too: forget them, never crash.
        client.on("error", () => {
          if (this.lockClient === client) this.lockClient = undefined;
          this.held.clear();
          client.release(true);
        });
        this.lockClient = client;
      }
      const { rows } = await this.lockClient.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok", [LOCK_CLASS, name]);
      const ok = rows[0]?.ok === true;
      if (ok) this.held.add(name);
      return ok;
    } catch (error) {
      throw databaseError(this.location, error);
    }
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.lockClient?.release();
    await this.pool.end();
  }

  /** Every row of the log's tables is counted: for `talentbot log migrate` and tests. */
  async counts(): Promise<{ entries: number; groups: number; outbox: number; counterDays: number }> {
    const { rows } = await this.query<{ entries: string; groups: string; outbox: string; days: string }>(
      `SELECT (SELECT count(*) FROM talentbot_entries) AS entries, (SELECT count(*) FROM talentbot_groups) AS groups,
              (SELECT count(*) FROM talentbot_outbox) AS outbox, (SELECT count(DISTINCT day) FROM talentbot_counters) AS days`,
    );
    const row = rows[0];
    return { entries: Number(row?.entries), groups: Number(row?.groups), outbox: Number(row?.outbox), counterDays: Number(row?.days) };
  }
}
