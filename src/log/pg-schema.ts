import type { PoolClient } from "pg";
import { QuestionLogError } from "./errors.js";

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
  {
    version: 2,
    description: "eligibility check counts shared by every replica",
    sql: `
      CREATE TABLE talentbot_eligibility_checks (
        id integer PRIMARY KEY CHECK (id = 1),
        checks bigint NOT NULL
      );
      INSERT INTO talentbot_eligibility_checks (id, checks) VALUES (1, 0);
      CREATE TABLE talentbot_eligibility_benefits (
        benefit_id text PRIMARY KEY,
        checked bigint NOT NULL,
        applies bigint NOT NULL
      );
    `,
  },
  {
    version: 3,
    description: "web chat seqs start at the milliseconds since 2020 (bigint)",
    sql: `
      ALTER TABLE talentbot_web_sessions ALTER COLUMN next_seq TYPE bigint;
      ALTER TABLE talentbot_web_items ALTER COLUMN seq TYPE bigint;
    `,
  },
];

export const SCHEMA_LATEST = MIGRATIONS.at(-1)?.version ?? 0;
/** Advisory lock keys (pg_advisory_xact_lock takes two int4): talentbot's class, then the purpose. */
export const LOCK_CLASS = 0x74626f74; // "tbot"
export const LOCK_MIGRATE = 1;
export const LOCK_GROUPING = 2;

/** Applies the missing migrations in `client`'s transaction; refuses a database migrated by a newer talentbot. */
export async function applyMigrations(client: PoolClient, location: string): Promise<number[]> {
  await client.query("SELECT pg_advisory_xact_lock($1, $2)", [LOCK_CLASS, LOCK_MIGRATE]);
  await client.query("CREATE TABLE IF NOT EXISTS talentbot_schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
  const { rows } = await client.query<{ version: number }>("SELECT version FROM talentbot_schema_migrations ORDER BY version");
  const done = new Set(rows.map((r) => r.version));
  const newest = Math.max(0, ...done);
  if (newest > SCHEMA_LATEST) {
    throw new QuestionLogError(
      `question log: the database ${location} has schema version ${newest}, written by a newer talentbot (this one knows up to ${SCHEMA_LATEST}); run the newer talentbot, or point DATABASE_URL at another database.`,
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
}
