import type { PgDb } from "./pg-connection.js";

/** What the eligibility check counts (see core/eligibility/tally.ts): checks, and per benefit how often decided and applying. */
export interface SharedEligibilityCounts {
  checks: number;
  benefits: Record<string, { checked: number; applies: number }>;
}

/**
 * The eligibility check's counts in PostgreSQL (tables talentbot_eligibility_checks and
 * talentbot_eligibility_benefits, migration 2), so that the console of any replica shows the
 * checks of all of them. Counts only, as in the file: never a fact of anybody. A record is one
 * transaction of increments, sent at once; `flush()` waits for those still on their way.
 */
export class PgEligibilityCounts {
  private pending = new Set<Promise<void>>();

  constructor(
    private readonly db: PgDb,
    private readonly report: (line: string) => void = () => {},
  ) {}

  record(decided: readonly { id: string; applies: boolean }[]): void {
    const write = this.db
      .transaction(async (client) => {
        await client.query("UPDATE talentbot_eligibility_checks SET checks = checks + 1 WHERE id = 1");
        for (const { id, applies } of decided) {
          await client.query(
            `INSERT INTO talentbot_eligibility_benefits (benefit_id, checked, applies) VALUES ($1, 1, $2)
             ON CONFLICT (benefit_id) DO UPDATE SET checked = talentbot_eligibility_benefits.checked + 1, applies = talentbot_eligibility_benefits.applies + EXCLUDED.applies`,
            [id, applies ? 1 : 0],
          );
        }
      })
      .catch((error: unknown) => this.report(`talentbot: eligibility counts not saved to the database: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => this.pending.delete(write));
    this.pending.add(write);
  }

  async snapshot(): Promise<SharedEligibilityCounts> {
    const checks = await this.db.query<{ checks: string }>("SELECT checks FROM talentbot_eligibility_checks WHERE id = 1");
    const rows = await this.db.query<{ benefit_id: string; checked: string; applies: string }>("SELECT benefit_id, checked, applies FROM talentbot_eligibility_benefits ORDER BY benefit_id");
    const benefits: SharedEligibilityCounts["benefits"] = {};
    for (const row of rows.rows) benefits[row.benefit_id] = { checked: Number(row.checked), applies: Number(row.applies) };
    return { checks: Number(checks.rows[0]?.checks ?? 0), benefits };
  }

  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
