import { daysOfMonth } from "./dates.js";
import { QuestionLogError } from "./errors.js";
import type { PgDb } from "./pg-connection.js";
import { assembleMonthlyReport, TOP_FAQS, TOP_OPEN_GROUPS, type MonthlyReport } from "./report.js";
import { emptyDayCounters } from "./schema.js";
import { OUTCOMES, type DayCounters, type Outcome } from "./types.js";

// The PostgreSQL store's counters: daily outcomes, FAQ hits, the monthly report.

export async function countOutcome(db: PgDb, day: string, outcome: Outcome, faqId?: string): Promise<void> {
  const keys: string[] = [outcome];
  if (outcome !== "unhelpful") keys.push("questions");
  if (outcome === "answered" && faqId !== undefined) keys.push(`faq:${faqId}`);
  await db.query(
    `INSERT INTO talentbot_counters (day, key, n) SELECT $1, k, 1 FROM unnest($2::text[]) AS k
     ON CONFLICT (day, key) DO UPDATE SET n = talentbot_counters.n + 1`,
    [day, keys],
  );
}

export async function monthlyReport(db: PgDb, month: string): Promise<MonthlyReport> {
  const dates = daysOfMonth(month);
  if (dates === null) throw new QuestionLogError(`question log: "${month}" is not a month; write it as YYYY-MM, e.g. 2024-03.`);
  const counts = await db.query<{ day: string; key: string; n: string }>("SELECT day, key, n FROM talentbot_counters WHERE day >= $1 AND day <= $2 AND key NOT LIKE 'faq:%'", [dates[0], dates.at(-1)]);
  const counters: Record<string, DayCounters> = {};
  for (const { day, key, n } of counts.rows) {
    const target = (counters[day] ??= emptyDayCounters());
    if (key === "questions" || (OUTCOMES as readonly string[]).includes(key)) target[key as Outcome | "questions"] = Number(n);
  }
  const faqs = await db.query<{ faq_id: string; hits: string }>(
    `SELECT substr(key, 5) AS faq_id, sum(n) AS hits FROM talentbot_counters WHERE day >= $1 AND day <= $2 AND key LIKE 'faq:%'
     GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $3`,
    [dates[0], dates.at(-1), TOP_FAQS],
  );
  // Local month boundaries of this process, as the entries' ISO times.
  const [year, monthNumber] = month.split("-").map(Number) as [number, number];
  const start = new Date(year, monthNumber - 1, 1).toISOString();
  const end = new Date(year, monthNumber, 1).toISOString();
  const open = await db.query<{ id: string; representative: string; count: number; last_asked_at: string; asked: string }>(
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

export async function faqHits(db: PgDb, since?: string): Promise<Record<string, number>> {
  const { rows } = await db.query<{ faq_id: string; hits: string }>(
    "SELECT substr(key, 5) AS faq_id, sum(n) AS hits FROM talentbot_counters WHERE key LIKE 'faq:%' AND ($1::text IS NULL OR day >= $1) GROUP BY 1",
    [since ?? null],
  );
  return Object.fromEntries(rows.map((r) => [r.faq_id, Number(r.hits)]));
}
