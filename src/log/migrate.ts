import { QuestionLogError } from "./errors.js";
import { isHumanRequest } from "./grouping.js";
import type { PgStore } from "./pg-store.js";
import type { LogData } from "./types.js";

export interface MigrationCounts {
  entries: number;
  groups: number;
  outbox: number;
  counterDays: number;
}

export interface MigrationResult {
  /** What the source holds. */
  source: MigrationCounts;
  /** Rows this run added (0 everywhere when it ran before). */
  added: MigrationCounts;
  /** When this source was migrated before, if it was. */
  earlier?: Date;
}

const BATCH = 2_000;
const idNumber = (id: string): number => Number.parseInt(id.slice(1), 10) || 0;

/**
 * Copies a whole log (the embedded files, read as one LogData) into PostgreSQL, in one
 * transaction, keeping every id. Idempotent: rows already there are left alone and a source
 * migrated before adds nothing (its counters are never added twice). Refuses a database
 * that already holds questions from elsewhere: ids would collide.
 */
export async function migrateToPostgres(data: LogData, store: PgStore, sourceName: string): Promise<MigrationResult> {
  const source: MigrationCounts = {
    entries: data.entries.length,
    groups: data.groups.length,
    outbox: data.outbox.length,
    counterDays: Object.keys(data.counters).length,
  };
  return store.transaction(async (client) => {
    await client.query("LOCK TABLE talentbot_imports IN EXCLUSIVE MODE");
    const earlierRow = await client.query<{ imported_at: Date }>("SELECT imported_at FROM talentbot_imports WHERE source = $1", [sourceName]);
    const earlier = earlierRow.rows[0]?.imported_at;
    if (!earlier) {
      const present = await client.query<{ n: string }>("SELECT count(*) AS n FROM talentbot_groups");
      const others = await client.query<{ n: string }>("SELECT count(*) AS n FROM talentbot_imports");
      if (Number(present.rows[0]?.n) > 0 && Number(others.rows[0]?.n) === 0) {
        throw new QuestionLogError(
          `question log: the database ${store.location} already holds ${present.rows[0]?.n} question group(s) that were not migrated from ${sourceName}; ` +
            `their ids would collide with the file log's. Migrate into an empty database (before the first start with DATABASE_URL), or point DATABASE_URL at a new database.`,
        );
      }
    }
    const added: MigrationCounts = { entries: 0, groups: 0, outbox: 0, counterDays: 0 };
    for (let i = 0; i < data.groups.length; i += BATCH) {
      const batch = data.groups.slice(i, i + BATCH).map((g) => ({ id: g.id, status: g.status, human: isHumanRequest(g), count: g.count, last: g.lastAskedAt, data: g }));
      const result = await client.query(
        `INSERT INTO talentbot_groups (id, status, human, count, last_asked_at, data)
         SELECT r->>'id', r->>'status', (r->>'human')::boolean, (r->>'count')::integer, r->>'last', r->'data' FROM jsonb_array_elements($1::jsonb) AS r
         ON CONFLICT (id) DO NOTHING`,
        [JSON.stringify(batch)],
      );
      added.groups += result.rowCount ?? 0;
    }
    for (let i = 0; i < data.entries.length; i += BATCH) {
      const batch = data.entries.slice(i, i + BATCH).map((e) => ({ seq: idNumber(e.id), data: e }));
      const result = await client.query(
        `INSERT INTO talentbot_entries (seq, id, group_id, asked_at, data)
         SELECT (r->>'seq')::bigint, r->'data'->>'id', r->'data'->>'groupId', r->'data'->>'askedAt', r->'data' FROM jsonb_array_elements($1::jsonb) AS r
         ON CONFLICT DO NOTHING`,
        [JSON.stringify(batch)],
      );
      added.entries += result.rowCount ?? 0;
    }
    for (let i = 0; i < data.outbox.length; i += BATCH) {
      const batch = data.outbox.slice(i, i + BATCH).map((m) => ({ seq: idNumber(m.id), ...m }));
      const result = await client.query(
        `INSERT INTO talentbot_outbox (seq, id, group_id, channel, conversation_id, text, created_at, attempts, sent_at, last_error, not_before)
         SELECT (r->>'seq')::bigint, r->>'id', r->>'groupId', r->>'channel', r->>'conversationId', r->>'text', r->>'createdAt',
                (r->>'attempts')::integer, r->>'sentAt', r->>'lastError', r->>'notBefore'
         FROM jsonb_array_elements($1::jsonb) AS r
         ON CONFLICT DO NOTHING`,
        [JSON.stringify(batch)],
      );
      added.outbox += result.rowCount ?? 0;
    }
    if (!earlier) {
      const rows: { day: string; key: string; n: number }[] = [];
      for (const [day, counters] of Object.entries(data.counters)) {
        const { faqHits, ...counts } = counters;
        for (const [key, n] of Object.entries(counts)) if (n > 0) rows.push({ day, key, n });
        for (const [faqId, n] of Object.entries(faqHits)) if (n > 0) rows.push({ day, key: `faq:${faqId}`, n });
      }
      for (let i = 0; i < rows.length; i += BATCH) {
        await client.query(
          `INSERT INTO talentbot_counters (day, key, n) SELECT r->>'day', r->>'key', (r->>'n')::bigint FROM jsonb_array_elements($1::jsonb) AS r
           ON CONFLICT (day, key) DO UPDATE SET n = talentbot_counters.n + excluded.n`,
          [JSON.stringify(rows.slice(i, i + BATCH))],
        );
      }
      added.counterDays = source.counterDays;
      await client.query("INSERT INTO talentbot_imports (source, entries, groups, outbox, counter_days) VALUES ($1, $2, $3, $4, $5)", [
        sourceName,
        source.entries,
        source.groups,
        source.outbox,
        source.counterDays,
      ]);
    }
    // New ids continue after the migrated ones (a sequence is only ever moved forward).
    for (const [sequence, maxId] of [
      ["talentbot_entry_seq", "SELECT max(seq) FROM talentbot_entries"],
      ["talentbot_message_seq", "SELECT max(seq) FROM talentbot_outbox"],
      ["talentbot_group_seq", "SELECT max(substr(id, 2)::bigint) FROM talentbot_groups"],
    ] as const) {
      await client.query(`SELECT setval('${sequence}', m) FROM (${maxId}) AS x(m) WHERE m IS NOT NULL AND m > (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM ${sequence})`);
    }
    return { source, added, ...(earlier ? { earlier } : {}) };
  });
}
