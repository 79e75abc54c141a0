import type { CsvRow } from "./csv.js";
import { daysOfMonth, localDateKey } from "./dates.js";
import { emptyDayCounters } from "./schema.js";
import type { DayCounters, LogData, QuestionGroup } from "./types.js";

export const TOP_FAQS = 10;
export const TOP_OPEN_GROUPS = 10;

type Counts = Omit<DayCounters, "faqHits">;

export interface DayReport extends Counts {
  date: string;
  /** answered / (answered + suggested + excerpt + unanswered); null on a day without policy questions. */
  answeredRate: number | null;
}

export interface MonthlyReport {
  month: string;
  days: DayReport[];
  total: DayReport;
  topFaqs: { faqId: string; hits: number }[];
  /** Open groups with questions this month, most asked this month first. */
  topOpenGroups: { groupId: string; representative: string; askedThisMonth: number; totalCount: number; lastAskedAt: string }[];
}

/** Builds the report for local month "YYYY-MM"; returns null if `month` is not in that form. */
export function buildMonthlyReport(data: Pick<LogData, "counters" | "entries" | "groups">, month: string): MonthlyReport | null {
  if (daysOfMonth(month) === null) return null;
  const askedThisMonth = new Map<string, number>();
  for (const entry of data.entries) {
    if (localDateKey(new Date(entry.askedAt)).startsWith(`${month}-`)) {
      askedThisMonth.set(entry.groupId, (askedThisMonth.get(entry.groupId) ?? 0) + 1);
    }
  }
  const openGroups = data.groups.filter((group) => group.status === "open" && askedThisMonth.has(group.id)).map((group) => ({ group, askedThisMonth: askedThisMonth.get(group.id) ?? 0 }));
  return assembleMonthlyReport(month, data.counters, openGroups);
}

/**
 * The report from its parts: the month's daily counters (days missing count
 * zero) and the open groups asked that month with how often. Every storage
 * computes the parts its own way (PostgreSQL in SQL) and assembles here.
 */
export function assembleMonthlyReport(
  month: string,
  counters: Record<string, DayCounters>,
  openGroups: { group: Pick<QuestionGroup, "id" | "representative" | "count" | "lastAskedAt">; askedThisMonth: number }[],
  topFaqs?: { faqId: string; hits: number }[],
): MonthlyReport | null {
  const dates = daysOfMonth(month);
  if (dates === null) return null;

  const total = emptyDayCounters();
  const faqHits = new Map<string, number>();
  const days = dates.map((date) => {
    const day = counters[date] ?? emptyDayCounters();
    addCounts(total, day);
    for (const [faqId, hits] of Object.entries(day.faqHits)) faqHits.set(faqId, (faqHits.get(faqId) ?? 0) + hits);
    return dayReport(date, day);
  });

  const topOpenGroups = openGroups
    .map(({ group, askedThisMonth }) => ({
      groupId: group.id,
      representative: group.representative,
      askedThisMonth,
      totalCount: group.count,
      lastAskedAt: group.lastAskedAt,
    }))
    .sort((a, b) => b.askedThisMonth - a.askedThisMonth || (a.lastAskedAt < b.lastAskedAt ? 1 : a.lastAskedAt > b.lastAskedAt ? -1 : 0))
    .slice(0, TOP_OPEN_GROUPS);

  const faqs =
    topFaqs ??
    [...faqHits.entries()]
      .map(([faqId, hits]) => ({ faqId, hits }))
      .sort((a, b) => b.hits - a.hits || a.faqId.localeCompare(b.faqId))
      .slice(0, TOP_FAQS);

  return { month, days, total: dayReport("合计", total), topFaqs: faqs, topOpenGroups };
}

function addCounts(target: DayCounters, source: DayCounters): void {
  for (const key of COUNT_KEYS) target[key] += source[key];
}

const COUNT_KEYS = ["questions", "answered", "suggested", "excerpt", "unanswered", "smalltalk", "human", "unhelpful"] as const;

function dayReport(date: string, counters: DayCounters): DayReport {
  const policyQuestions = counters.answered + counters.suggested + counters.excerpt + counters.unanswered;
  const { faqHits: _ignored, ...counts } = counters;
  return { date, ...counts, answeredRate: policyQuestions === 0 ? null : counters.answered / policyQuestions };
}

const formatRate = (rate: number | null): string => (rate === null ? "" : `${(rate * 100).toFixed(1)}%`);

/**
 * The report as CSV rows, in Chinese for the bureau's staff: a title row,
 * then three sections separated by empty rows: daily counts with a total
 * row, top FAQs, top open question groups.
 */
export function monthlyReportRows(report: MonthlyReport): CsvRow[] {
  const dayRow = (day: DayReport): CsvRow => [day.date, day.questions, day.answered, day.suggested, day.excerpt, day.unanswered, day.smalltalk, day.human, day.unhelpful, formatRate(day.answeredRate)];
  return [
    ["月度报告", report.month],
    [],
    ["日期", "消息数", "已回答", "给出建议", "摘录回答", "未能回答", "闲聊", "转人工", "反馈无帮助", "回答率"],
    ...report.days.map(dayRow),
    dayRow(report.total),
    [],
    ["常见问题编号", "命中次数"],
    ...report.topFaqs.map((faq): CsvRow => [faq.faqId, faq.hits]),
    [],
    ["待处理问题组", "问题", "本月提问次数", "累计提问次数", "最近提问时间"],
    ...report.topOpenGroups.map((group): CsvRow => [group.groupId, group.representative, group.askedThisMonth, group.totalCount, group.lastAskedAt]),
  ];
}
