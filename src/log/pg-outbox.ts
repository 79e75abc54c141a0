import type { PgDb } from "./pg-connection.js";
import { QuestionLogError } from "./errors.js";
import type { OutboxClaim, OutboxResult } from "./store.js";
import type { OutboxMessage } from "./types.js";

// The PostgreSQL store's outbox: pending messages, claims (SKIP LOCKED, leases in the database's clock), results.

export async function pendingOutbox(db: PgDb, filter: { channel?: string; groupId?: string; maxAttempts: number }): Promise<OutboxMessage[]> {
  const { rows } = await db.query<OutboxRow>(
    `SELECT * FROM talentbot_outbox WHERE sent_at IS NULL AND attempts < $1 AND ($2::text IS NULL OR channel = $2) AND ($3::text IS NULL OR group_id = $3)
     ORDER BY seq`,
    [filter.maxAttempts, filter.channel ?? null, filter.groupId ?? null],
  );
  return rows.map(outboxMessage);
}

export async function claimOutbox(db: PgDb, claim: OutboxClaim): Promise<OutboxMessage[]> {
  // SKIP LOCKED: a replica claiming at the same instant skips the rows this one is taking
  // instead of waiting for them; the lease (database clock) keeps them ours after commit.
  const { rows } = await db.query<OutboxRow>(
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

export async function completeOutbox(db: PgDb, messageId: string, owner: string | undefined, result: OutboxResult): Promise<boolean> {
  return db.transaction(async (client) => {
    const current = await client.query<{ lease_owner: string | null; lease_until: Date | null; expired: boolean }>(
      "SELECT lease_owner, lease_until, lease_until < now() AS expired FROM talentbot_outbox WHERE id = $1 FOR UPDATE",
      [messageId],
    );
    const row = current.rows[0];
    if (!row) {
      throw new QuestionLogError(`question log: there is no outbox message "${messageId}" in ${db.location}; it may have been removed by retention. Take ids from pendingOutbox().`);
    }
    const ours = owner === undefined || row.lease_owner === owner;
    if (result.sent) {
      await client.query("UPDATE talentbot_outbox SET sent_at = $2, last_error = NULL, not_before = NULL, lease_owner = NULL, lease_until = NULL WHERE id = $1", [messageId, result.at]);
    } else {
      await client.query("UPDATE talentbot_outbox SET attempts = attempts + 1, last_error = $2, not_before = $3, lease_owner = NULL, lease_until = NULL WHERE id = $1", [
        messageId,
        result.error,
        result.retryAt,
      ]);
    }
    return ours;
  });
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
