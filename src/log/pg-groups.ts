import type { PoolClient } from "pg";
import type { PgDb } from "./pg-connection.js";
import { LOCK_CLASS, LOCK_GROUPING } from "./pg-schema.js";
import { addToGroup, isHumanRequest, startGroup } from "./grouping.js";
import { moveReason, replyTargets } from "./memory-store.js";
import type { GroupingRule, NewQuestion, StatusChange } from "./store.js";
import type { GroupStatus, LoggedQuestion, OutboxMessage, QuestionGroup } from "./types.js";

// The PostgreSQL store's questions and groups: recording (grouping under the advisory lock),
// reading, escalating, staff's status changes and replies.

export async function recordQuestion(db: PgDb, question: NewQuestion, grouping: GroupingRule): Promise<LoggedQuestion> {
  return db.transaction(async (client) => {
    const entry: LoggedQuestion = { id: "", groupId: "", ...structuredClone(question) };
    const seq = await nextval(client, "talentbot_entry_seq");
    entry.id = `q${seq}`;
    let match: QuestionGroup | undefined;
    if (entry.reason !== "human") {
      // One "find or create the group" at a time across every replica: without it two
      // replicas could each start a group for the same new question at the same instant.
      await client.query("SELECT pg_advisory_xact_lock($1, $2)", [LOCK_CLASS, LOCK_GROUPING]);
      const { rows } = await client.query<{ id: string; keys: string[] }>("SELECT id, data->'matchKeys' AS keys FROM talentbot_groups WHERE status = 'open' AND NOT human ORDER BY id");
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
      await client.query("UPDATE talentbot_groups SET count = $2, last_asked_at = $3, data = $4::jsonb WHERE id = $1", [group.id, group.count, group.lastAskedAt, JSON.stringify(group)]);
    } else {
      entry.groupId = `g${await nextval(client, "talentbot_group_seq")}`;
      group = startGroup(entry.groupId, entry);
      await insertGroup(client, group);
    }
    await client.query("INSERT INTO talentbot_entries (seq, id, group_id, asked_at, data) VALUES ($1, $2, $3, $4, $5::jsonb)", [seq, entry.id, entry.groupId, entry.askedAt, JSON.stringify(entry)]);
    return entry;
  });
}

export async function listGroups(db: PgDb, filter: { status?: GroupStatus; since?: string } = {}): Promise<QuestionGroup[]> {
  const { rows } = await db.query<{ data: QuestionGroup }>(
    `SELECT data FROM talentbot_groups WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR last_asked_at >= $2)
     ORDER BY count DESC, last_asked_at DESC`,
    [filter.status ?? null, filter.since ?? null],
  );
  return rows.map((r) => r.data);
}

export async function getGroup(db: PgDb, groupId: string): Promise<{ group: QuestionGroup; entries: LoggedQuestion[] } | undefined> {
  const groups = await db.query<{ data: QuestionGroup }>("SELECT data FROM talentbot_groups WHERE id = $1", [groupId]);
  const group = groups.rows[0]?.data;
  if (!group) return undefined;
  const entries = await db.query<{ data: LoggedQuestion }>("SELECT data FROM talentbot_entries WHERE group_id = $1 ORDER BY seq", [groupId]);
  return { group, entries: entries.rows.map((r) => r.data) };
}

export async function escalate(db: PgDb, entryId: string, at: string): Promise<LoggedQuestion | undefined> {
  return db.transaction(async (client) => {
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

export async function setGroupStatus(db: PgDb, groupId: string, change: StatusChange, at: string): Promise<QuestionGroup | undefined> {
  return db.transaction(async (client) => {
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

export async function reply(db: PgDb, groupId: string, text: string, at: string): Promise<{ group: QuestionGroup; messages: OutboxMessage[] } | undefined> {
  return db.transaction(async (client) => {
    // The group row lock orders this reply after any question still joining the group.
    const group = await lockGroup(client, groupId);
    if (!group) return undefined;
    const entries = await client.query<{ data: LoggedQuestion }>("SELECT data FROM talentbot_entries WHERE group_id = $1 ORDER BY seq", [groupId]);
    const messages: OutboxMessage[] = [];
    for (const target of replyTargets(entries.rows.map((r) => r.data))) {
      const seq = await nextval(client, "talentbot_message_seq");
      const message: OutboxMessage = { id: `m${seq}`, groupId, ...target, text, createdAt: at, attempts: 0 };
      await client.query("INSERT INTO talentbot_outbox (seq, id, group_id, channel, conversation_id, text, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)", [
        seq,
        message.id,
        groupId,
        message.channel,
        message.conversationId,
        text,
        at,
      ]);
      messages.push(message);
    }
    group.status = "replied";
    group.reply = { text, repliedAt: at };
    group.updatedAt = at;
    await updateGroup(client, group);
    return { group, messages };
  });
}

export async function nextval(client: PoolClient, sequence: string): Promise<number> {
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
