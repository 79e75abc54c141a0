import type { PgDb } from "./pg-connection.js";

// The PostgreSQL store's retention: old questions lose who asked, old outbox messages go.

export async function applyRetention(db: PgDb, cutoff: string): Promise<number> {
  return db.transaction(async (client) => {
    const anonymised = await client.query(
      `UPDATE talentbot_entries SET data = data - 'conversationId' - 'senderId' - 'senderName'
       WHERE asked_at < $1 AND (data ? 'conversationId' OR data ? 'senderId' OR data ? 'senderName')`,
      [cutoff],
    );
    await client.query("DELETE FROM talentbot_outbox WHERE created_at < $1", [cutoff]);
    return anonymised.rowCount ?? 0;
  });
}
