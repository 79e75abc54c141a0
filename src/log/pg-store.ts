import pg from "pg";
import type { Pool, PoolClient } from "pg";
import { daysOfMonth } from "./dates.js";
import { QuestionLogError, errorCode, errorMessage } from "./errors.js";
import { addToGroup, isHumanRequest, startGroup } from "./grouping.js";
import { moveReason, replyTargets } from "./memory-store.js";
import { assembleMonthlyReport, TOP_FAQS, TOP_OPEN_GROUPS, type MonthlyReport } from "./report.js";
import { emptyDayCounters } from "./schema.js";
import type { GroupingRule, LogStore, NewQuestion, OutboxClaim, OutboxResult, StatusChange } from "./store.js";
import { OUTCOMES, type DayCounters, type GroupStatus, type LoggedQuestion, type Outcome, type OutboxMessage, type QuestionGroup } from "./types.js";

/**
 * The schema, as numbered migrations. The bot applies the missing ones at
 * start, inside one transaction under an advisory lock (two replicas starting
 * at once: one migrates, the other waits and finds nothing to do), and
 * records each in talentbot_schema_migrations. Never edit a migration that
 * shipped: add the next one.
 */
export const MIGRATIONS: readonly { version: number; description: string; sql: string }[] = [
  {
    version: 1,
    description: "question log, outbox, counters, web chat history",
    sql: `
      CREATE SEQUENCE talentbot_entry_seq;
      CREATE SEQUENCE talentbot_group_seq;
      CREATE SEQUENCE talentbot_message_seq;
      CREATE TABLE talentbot_groups (
        id text PRIMARY KEY,
        status text NOT NULL,
        human boolean NOT NULL,
        count integer NOT NULL,
        last_asked_at text NOT NULL,
        data jsonb NOT NULL
      );
      CREATE INDEX talentbot_groups_open ON talentbot_groups (status) WHERE status = 'open';
      CREATE TABLE talentbot_entries (
        seq bigint PRIMARY KEY,
        id text NOT NULL UNIQUE,
        group_id text NOT NULL REFERENCES talentbot_groups (id),
        asked_at text NOT NULL,
        data jsonb NOT NULL
      );
      CREATE INDEX talentbot_entries_group ON talentbot_entries (group_id, seq);
      CREATE INDEX talentbot_entries_asked ON talentbot_entries (asked_at);
      CREATE TABLE talentbot_outbox (
        seq bigint PRIMARY KEY,
        id text NOT NULL UNIQUE,
        group_id text NOT NULL,
        channel text NOT NULL,
        conversation_id text NOT NULL,
        text text NOT NULL,
        created_at text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        sent_at text,
        last_error text,
        not_before text,
        lease_owner text,
        lease_until timestamptz
      );
      CREATE INDEX talentbot_outbox_unsent ON talentbot_outbox (channel, seq) WHERE sent_at IS NULL;
      CREATE TABLE talentbot_counters (
        day text NOT NULL,
        key text NOT NULL,
        n bigint NOT NULL,
        PRIMARY KEY (day, key)
      );
      CREATE TABLE talentbot_web_sessions (
        session_id text PRIMARY KEY,
        next_seq integer NOT NULL,
        last_active text NOT NULL
      );
      CREATE TABLE talentbot_web_items (
        session_id text NOT NULL REFERENCES talentbot_web_sessions (session_id) ON DELETE CASCADE,
        seq integer NOT NULL,
        data jsonb NOT NULL,
        PRIMARY KEY (session_id, seq)
      );
      CREATE INDEX talentbot_web_sessions_active ON talentbot_web_sessions (last_active);
      CREATE TABLE talentbot_imports (
        source text PRIMARY KEY,
        imported_at timestamptz NOT NULL DEFAULT now(),
        entries integer NOT NULL,
        groups integer NOT NULL,
        outbox integer NOT NULL,
        counter_days integer NOT NULL
      );
    `,
  },
];

export const SCHEMA_LATEST = MIGRATIONS.at(-1)?.version ?? 0;
/** Advisory lock keys (pg_advisory_xact_lock takes two int4): talentbot's class, then the purpose. */
const LOCK_CLASS = 0x74626f74; // "tbot"
const LOCK_MIGRATE = 1;
const LOCK_GROUPING = 2;

/** The connection string without its password, for messages. */
export function describeDatabase(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = "";
    return parsed.toString().replace(/:@/, "@");
  } catch {
    return "DATABASE_URL (not a valid URL)";
  }
}

/**
 * The question log in PostgreSQL (node-postgres), shared by any number of
 * bot processes. Every operation is one transaction; grouping takes a
 * transaction advisory lock so two replicas never both start a group for
 * the same new question; outbox claims use FOR UPDATE SKIP LOCKED with a
 * lease in the database's clock.
 */
export class PgStore implements LogStore {
  readonly kind = "postgres" as const;
  readonly shared = true;
  readonly warnings: string[] = [];
  private lockClient: PoolClient | undefined;
  private readonly held = new Set<string>();
  private closed = false;

  private constructor(
    readonly pool: Pool,
    readonly location: string,
  ) {}

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
    return this.transaction(async (client) => {
      await client.query("SELECT pg_advisory_xact_lock($1, $2)", [LOCK_CLASS, LOCK_MIGRATE]);
      await client.query(
        "CREATE TABLE IF NOT EXISTS talentbot_schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
      );
      const { rows } = await client.query<{ version: number }>("SELECT version FROM talentbot_schema_migrations ORDER BY version");
      const done = new Set(rows.map((r) => r.version));
      const newest = Math.max(0, ...done);
      if (newest > SCHEMA_LATEST) {
        throw new QuestionLogError(
          `question log: the database ${this.location} has schema version ${newest}, written by a newer talentbot (this one knows up to ${SCHEMA_LATEST}); run the newer talentbot, or point DATABASE_URL at another database.`,
        );
      }
      const applied: number[] = [];
      for (const migration of MIGRATIONS) {
        if (done.has(migration.version)) continue;
        await client.query(migration.sql);
        await client.query("INSERT INTO talentbot_schema_migrations (version, description) VALUES ($1, $2)", [migration.version, migration.description]);
        applied.push(migration.version);
      }
      return applied;
    });
  }

  async recordQuestion(question: NewQuestion, grouping: GroupingRule): Promise<LoggedQuestion> {
    return this.transaction(async (client) => {
      const entry: LoggedQuestion = { id: "", groupId: "", ...structuredClone(question) };
      const seq = await nextval(client, "talentbot_entry_seq");
      entry.id = `q${seq}`;
      let match: QuestionGroup | undefined;
      if (entry.reason !== "human") {
        // One "find or create the group" at a time across every replica: without it two
        // replicas could each start a group for the same new question at the same instant.
        await client.query("SELECT pg_advisory_xact_lock($1, $2)", [LOCK_CLASS, LOCK_GROUPING]);
        const { rows } = await client.query<{ id: string; keys: string[] }>(
          "SELECT id, data->'matchKeys' AS keys FROM talentbot_groups WHERE status = 'open' AND NOT human ORDER BY id",
        );
        const best = bestMatch(rows, entry.normalized, grouping);
        if (best !== undefined) {
          // Staff may have closed it since (reply and status changes take the row lock, not the
          // grouping lock): then this question starts a new group, as on a closed group.
          const locked = await lockGroup(client, best);
          if (locked?.status === "open") match = locked;
        }
      }
      let group: QuestionGroup;
      if (match) {
        group = match;
        entry.groupId = group.id;
        addToGroup(group, entry);
        await client.query("UPDATE talentbot_groups SET count = $2, last_asked_at = $3, data = $4::jsonb WHERE id = $1", [
          group.id,
          group.count,
          group.lastAskedAt,
          JSON.stringify(group),
        ]);
      } else {
        entry.groupId = `g${await nextval(client, "talentbot_group_seq")}`;
        group = startGroup(entry.groupId, entry);
        await insertGroup(client, group);
      }
      await client.query("INSERT INTO talentbot_entries (seq, id, group_id, asked_at, data) VALUES ($1, $2, $3, $4, $5::jsonb)", [
        seq,
        entry.id,
        entry.groupId,
        entry.askedAt,
        JSON.stringify(entry),
      ]);
      return entry;
    });
  }

  async countOutcome(day: string, outcome: Outcome, faqId?: string): Promise<void> {
    const keys: string[] = [outcome];
    if (outcome !== "unhelpful") keys.push("questions");
    if (outcome === "answered" && faqId !== undefined) keys.push(`faq:${faqId}`);
    await this.query(
      `INSERT INTO talentbot_counters (day, key, n) SELECT $1, k, 1 FROM unnest($2::text[]) AS k
       ON CONFLICT (day, key) DO UPDATE SET n = talentbot_counters.n + 1`,
      [day, keys],
    );
  }

  async listGroups(filter: { status?: GroupStatus; since?: string } = {}): Promise<QuestionGroup[]> {
    const { rows } = await this.query<{ data: QuestionGroup }>(
      `SELECT data FROM talentbot_groups WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR last_asked_at >= $2)
       ORDER BY count DESC, last_asked_at DESC`,
      [filter.status ?? null, filter.since ?? null],
    );
    return rows.map((r) => r.data);
  }

  async getGroup(groupId: string): Promise<{ group: QuestionGroup; entries: LoggedQuestion[] } | undefined> {
    const groups = await this.query<{ data: QuestionGroup }>("SELECT data FROM talentbot_groups WHERE id = $1", [groupId]);
    const group = groups.rows[0]?.data;
    if (!group) return undefined;
    const entries = await this.query<{ data: LoggedQuestion }>("SELECT data FROM talentbot_entries WHERE group_id = $1 ORDER BY seq", [groupId]);
    return { group, entries: entries.rows.map((r) => r.data) };
  }

  async escalate(entryId: string, at: string): Promise<LoggedQuestion | undefined> {
    return this.transaction(async (client) => {
      const found = await client.query<{ data: LoggedQuestion }>("SELECT data FROM talentbot_entries WHERE id = $1", [entryId]);
      const entry = found.rows[0]?.data;
      if (!entry) return undefined;
      // The group row lock orders this after a staff action on the same group.
      const group = await lockGroup(client, entry.groupId);
      if (group?.status !== "open") return undefined;
      if (entry.reason !== "human") {
        moveReason(group, entry.reason);
        entry.reason = "human";
        group.updatedAt = at;
        await client.query("UPDATE talentbot_entries SET data = $2::jsonb WHERE id = $1", [entryId, JSON.stringify(entry)]);
        await updateGroup(client, group);
      }
      return entry;
    });
  }

  async setGroupStatus(groupId: string, change: StatusChange, at: string): Promise<QuestionGroup | undefined> {
    return this.transaction(async (client) => {
      const group = await lockGroup(client, groupId);
      if (!group) return undefined;
      group.status = change.status;
      if (change.status === "promoted") group.promotedTo = change.promotedTo;
      else group.dismissReason = change.reason;
      group.updatedAt = at;
      await updateGroup(client, group);
      return group;
    });
  }

  async reply(groupId: string, text: string, at: string): Promise<{ group: QuestionGroup; messages: OutboxMessage[] } | undefined> {
    return this.transaction(async (client) => {
      // The group row lock orders this reply after any question still joining the group.
      const group = await lockGroup(client, groupId);
      if (!group) return undefined;
      const entries = await client.query<{ data: LoggedQuestion }>("SELECT data FROM talentbot_entries WHERE group_id = $1 ORDER BY seq", [groupId]);
      const messages: OutboxMessage[] = [];
      for (const target of replyTargets(entries.rows.map((r) => r.data))) {
        const seq = await nextval(client, "talentbot_message_seq");
        const message: OutboxMessage = { id: `m${seq}`, groupId, ...target, text, createdAt: at, attempts: 0 };
        await client.query(
          "INSERT INTO talentbot_outbox (seq, id, group_id, channel, conversation_id, text, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
          [seq, message.id, groupId, message.channel, message.conversationId, text, at],
        );
        messages.push(message);
      }
      group.status = "replied";
      group.reply = { text, repliedAt: at };
      group.updatedAt = at;
      await updateGroup(client, group);
      return { group, messages };
    });
  }

  async pendingOutbox(filter: { channel?: string; groupId?: string; maxAttempts: number }): Promise<OutboxMessage[]> {
    const { rows } = await this.query<OutboxRow>(
      `SELECT * FROM talentbot_outbox WHERE sent_at IS NULL AND attempts < $1 AND ($2::text IS NULL OR channel = $2) AND ($3::text IS NULL OR group_id = $3)
       ORDER BY seq`,
      [filter.maxAttempts, filter.channel ?? null, filter.groupId ?? null],
    );
    return rows.map(outboxMessage);
  }

  async claimOutbox(claim: OutboxClaim): Promise<OutboxMessage[]> {
    // SKIP LOCKED: a replica claiming at the same instant skips the rows this one is taking
    // instead of waiting for them; the lease (database clock) keeps them ours after commit.
    const { rows } = await this.query<OutboxRow>(
      `UPDATE talentbot_outbox SET lease_owner = $1, lease_until = now() + make_interval(secs => $2::double precision / 1000)
       WHERE seq IN (
         SELECT seq FROM talentbot_outbox
         WHERE sent_at IS NULL AND attempts < $3 AND channel = ANY($4::text[])
           AND (lease_until IS NULL OR lease_until < now())
           AND (not_before IS NULL OR not_before <= $5)
         ORDER BY seq LIMIT $6 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [claim.owner, claim.leaseMs, claim.maxAttempts, [...claim.channels], new Date().toISOString(), claim.limit],
    );
    return rows.map(outboxMessage).sort((a, b) => idNumber(a.id) - idNumber(b.id));
  }

  async completeOutbox(messageId: string, owner: string | undefined, result: OutboxResult): Promise<boolean> {
    return this.transaction(async (client) => {
      const current = await client.query<{ lease_owner: string | null; lease_until: Date | null; expired: boolean }>(
        "SELECT lease_owner, lease_until, lease_until < now() AS expired FROM talentbot_outbox WHERE id = $1 FOR UPDATE",
        [messageId],
      );
      const row = current.rows[0];
      if (!row) {
        throw new QuestionLogError(
          `question log: there is no outbox message "${messageId}" in ${this.location}; it may have been removed by retention. Take ids from pendingOutbox().`,
        );
      }
      const ours = owner === undefined || row.lease_owner === owner;
      if (result.sent) {
        await client.query("UPDATE talentbot_outbox SET sent_at = $2, last_error = NULL, not_before = NULL, lease_owner = NULL, lease_until = NULL WHERE id = $1", [
          messageId,
          result.at,
        ]);
      } else {
        await client.query(
          "UPDATE talentbot_outbox SET attempts = attempts + 1, last_error = $2, not_before = $3, lease_owner = NULL, lease_until = NULL WHERE id = $1",
          [messageId, result.error, result.retryAt],
        );
      }
      return ours;
    });
  }

  async monthlyReport(month: string): Promise<MonthlyReport> {
    const dates = daysOfMonth(month);
    if (dates === null) throw new QuestionLogError(`question log: "${month}" is not a month; write it as YYYY-MM, e.g. 2024-03.`);
    const counts = await this.query<{ day: string; key: string; n: string }>(
      "SELECT day, key, n FROM talentbot_counters WHERE day >= $1 AND day <= $2 AND key NOT LIKE 'faq:%'",
      [dates[0], dates.at(-1)],
    );
    const counters: Record<string, DayCounters> = {};
    for (const { day, key, n } of counts.rows) {
      const target = (counters[day] ??= emptyDayCounters());
      if (key === "questions" || (OUTCOMES as readonly string[]).includes(key)) target[key as Outcome | "questions"] = Number(n);
    }
    const faqs = await this.query<{ faq_id: string; hits: string }>(
      `SELECT substr(key, 5) AS faq_id, sum(n) AS hits FROM talentbot_counters WHERE day >= $1 AND day <= $2 AND key LIKE 'faq:%'
       GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $3`,
      [dates[0], dates.at(-1), TOP_FAQS],
    );
    // Local month boundaries of this process, as the entries' ISO times.
    const [year, monthNumber] = month.split("-").map(Number) as [number, number];
    const start = new Date(year, monthNumber - 1, 1).toISOString();
    const end = new Date(year, monthNumber, 1).toISOString();
    const open = await this.query<{ id: string; representative: string; count: number; last_asked_at: string; asked: string }>(
      `SELECT g.id, g.data->>'representative' AS representative, g.count, g.last_asked_at, e.asked
       FROM (SELECT group_id, count(*) AS asked FROM talentbot_entries WHERE asked_at >= $1 AND asked_at < $2 GROUP BY group_id) e
       JOIN talentbot_groups g ON g.id = e.group_id AND g.status = 'open'
       ORDER BY e.asked DESC, g.last_asked_at DESC LIMIT $3`,
      [start, end, TOP_OPEN_GROUPS],
    );
    const report = assembleMonthlyReport(
      month,
      counters,
      open.rows.map((r) => ({ group: { id: r.id, representative: r.representative, count: r.count, lastAskedAt: r.last_asked_at }, askedThisMonth: Number(r.asked) })),
      faqs.rows.map((r) => ({ faqId: r.faq_id, hits: Number(r.hits) })),
    );
    if (!report) throw new QuestionLogError(`question log: "${month}" is not a month; write it as YYYY-MM, e.g. 2024-03.`);
    return report;
  }

  async faqHits(since?: string): Promise<Record<string, number>> {
    const { rows } = await this.query<{ faq_id: string; hits: string }>(
      "SELECT substr(key, 5) AS faq_id, sum(n) AS hits FROM talentbot_counters WHERE key LIKE 'faq:%' AND ($1::text IS NULL OR day >= $1) GROUP BY 1",
      [since ?? null],
    );
    return Object.fromEntries(rows.map((r) => [r.faq_id, Number(r.hits)]));
  }

  async applyRetention(cutoff: string): Promise<number> {
    return this.transaction(async (client) => {
      const anonymised = await client.query(
        `UPDATE talentbot_entries SET data = data - 'conversationId' - 'senderId' - 'senderName'
         WHERE asked_at < $1 AND (data ? 'conversationId' OR data ? 'senderId' OR data ? 'senderName')`,
        [cutoff],
      );
      await client.query("DELETE FROM talentbot_outbox WHERE created_at < $1", [cutoff]);
      return anonymised.rowCount ?? 0;
    });
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

  async query<R extends object>(text: string, values: unknown[] = []): Promise<{ rows: R[]; rowCount: number | null }> {
    this.assertOpen();
    try {
      return await this.pool.query<R>(text, values);
    } catch (error) {
      throw databaseError(this.location, error);
    }
  }

  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    this.assertOpen();
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw databaseError(this.location, error);
    }
    let broken = false;
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {
        broken = true;
      });
      throw databaseError(this.location, error);
    } finally {
      client.release(broken);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new QuestionLogError(`question log: ${this.location} was closed; open the log again to use it.`);
  }
}

interface OutboxRow {
  id: string;
  group_id: string;
  channel: string;
  conversation_id: string;
  text: string;
  created_at: string;
  attempts: number;
  sent_at: string | null;
  last_error: string | null;
  not_before: string | null;
}

function outboxMessage(row: OutboxRow): OutboxMessage {
  return {
    id: row.id,
    groupId: row.group_id,
    channel: row.channel,
    conversationId: row.conversation_id,
    text: row.text,
    createdAt: row.created_at,
    attempts: row.attempts,
    ...(row.sent_at === null ? {} : { sentAt: row.sent_at }),
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
    ...(row.not_before === null ? {} : { notBefore: row.not_before }),
  };
}

const idNumber = (id: string): number => Number.parseInt(id.slice(1), 10) || 0;

async function nextval(client: PoolClient, sequence: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(`SELECT nextval('${sequence}') AS n`);
  return Number(rows[0]?.n);
}

export async function insertGroup(client: PoolClient, group: QuestionGroup): Promise<void> {
  await client.query("INSERT INTO talentbot_groups (id, status, human, count, last_asked_at, data) VALUES ($1, $2, $3, $4, $5, $6::jsonb)", [
    group.id,
    group.status,
    isHumanRequest(group),
    group.count,
    group.lastAskedAt,
    JSON.stringify(group),
  ]);
}

/** The open group whose match keys are most similar to `normalized` (≥ threshold), as findMatchingGroup decides. */
function bestMatch(rows: readonly { id: string; keys: string[] }[], normalized: string, grouping: GroupingRule): string | undefined {
  let best: { id: string; score: number } | undefined;
  for (const row of rows) {
    for (const key of row.keys) {
      const score = grouping.similarity(key, normalized);
      if (score >= grouping.threshold && (best === undefined || score > best.score)) best = { id: row.id, score };
      if (score >= 1) return row.id;
    }
  }
  return best?.id;
}

async function lockGroup(client: PoolClient, groupId: string): Promise<QuestionGroup | undefined> {
  const { rows } = await client.query<{ data: QuestionGroup }>("SELECT data FROM talentbot_groups WHERE id = $1 FOR UPDATE", [groupId]);
  return rows[0]?.data;
}

async function updateGroup(client: PoolClient, group: QuestionGroup): Promise<void> {
  await client.query("UPDATE talentbot_groups SET status = $2, count = $3, last_asked_at = $4, data = $5::jsonb WHERE id = $1", [
    group.id,
    group.status,
    group.count,
    group.lastAskedAt,
    JSON.stringify(group),
  ]);
}

/** What went wrong with the database, and what the operator can do. */
export function databaseError(location: string, error: unknown): QuestionLogError {
  if (error instanceof QuestionLogError) return error;
  const code = errorCode(error);
  const detail = errorMessage(error);
  let advice: string;
  switch (code) {
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "ETIMEDOUT":
    case "ECONNRESET":
    case "57P01": // admin shutdown
    case "57P02":
    case "57P03": // cannot connect now (starting up / shutting down)
    case "08000":
    case "08003":
    case "08006":
      advice = "the database cannot be reached; questions are not saved until it is back (the bot keeps answering and retries by itself). Check that PostgreSQL runs and that DATABASE_URL names it.";
      break;
    case "28P01":
    case "28000":
      advice = "the database refused the user or password; fix DATABASE_URL.";
      break;
    case "3D000":
      advice = "that database does not exist; create it (createdb NAME) or fix DATABASE_URL.";
      break;
    case "42501":
      advice = "the database user may not do this; grant it the right to create tables in that database (or run the first start as its owner).";
      break;
    default:
      advice = /timeout|terminat|Connection/i.test(detail)
        ? "the database connection failed; questions are not saved until it is back (the bot keeps answering and retries by itself). Check that PostgreSQL runs."
        : "check the database's own log for details.";
  }
  return new QuestionLogError(`question log: PostgreSQL ${location} failed (${code ? `${code}: ` : ""}${detail}): ${advice}`, {
    cause: error,
    ...(code === undefined ? {} : { code }),
  });
}
