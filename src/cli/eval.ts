import { readFile } from "node:fs/promises";
import type { Answer } from "../core/answer.js";
import type { AnswerEngine } from "../core/engine.js";

/** One evaluation row: `expect` is an FAQ id, `none` (must be neither answered nor suggested) or `smalltalk`. */
export interface EvalRow {
  q: string;
  expect: string;
  kind?: string;
}

export interface EvalCounts {
  total: number;
  correct: number;
  suggested: number;
  wrong: number;
  missed: number;
}

export interface EvalReport {
  inScope: EvalCounts;
  negatives: { total: number; answered: number; suggested: number };
  smalltalk: { total: number; correct: number };
  byTopic: Map<string, EvalCounts>;
  byStatus: Map<string, number>;
  misses: { row: EvalRow; answer: Answer }[];
}

/** The rows of a JSON-lines file (blank lines skipped), each checked by `valid` or refused with the file, line and `needs`. */
export async function readJsonLines<T>(path: string, valid: (row: Partial<T>) => boolean, needs: string): Promise<T[]> {
  const text = await readFile(path, "utf8");
  return text
    .split("\n")
    .map((l, i) => [l.trim(), i + 1] as const)
    .filter(([l]) => l)
    .map(([l, line]) => {
      const row = JSON.parse(l) as Partial<T>;
      if (!valid(row)) throw new Error(`eval: ${path}:${line} needs ${needs}`);
      return row as T;
    });
}

export function readEvalFile(path: string): Promise<EvalRow[]> {
  return readJsonLines<EvalRow>(path, (row) => typeof row.q === "string" && typeof row.expect === "string", '"q" and "expect"');
}

const emptyCounts = (): EvalCounts => ({ total: 0, correct: 0, suggested: 0, wrong: 0, missed: 0 });

/** Scores answers the same way ../shared/eval/score.mjs does (suggested = expected id among the first 3). */
export function scoreEval(rows: readonly EvalRow[], answers: readonly Answer[]): EvalReport {
  const report: EvalReport = {
    inScope: emptyCounts(),
    negatives: { total: 0, answered: 0, suggested: 0 },
    smalltalk: { total: 0, correct: 0 },
    byTopic: new Map(),
    byStatus: new Map(),
    misses: [],
  };
  rows.forEach((row, i) => {
    const a = answers[i]!;
    report.byStatus.set(a.status, (report.byStatus.get(a.status) ?? 0) + 1);
    if (row.expect === "smalltalk") {
      report.smalltalk.total++;
      if (a.status === "smalltalk") report.smalltalk.correct++;
      else report.misses.push({ row, answer: a });
      return;
    }
    if (row.expect === "none") {
      report.negatives.total++;
      if (a.status === "answered") report.negatives.answered++;
      if (a.status === "suggested") report.negatives.suggested++;
      if (a.status === "answered" || a.status === "suggested") report.misses.push({ row, answer: a });
      return;
    }
    const topic = report.byTopic.get(row.expect) ?? emptyCounts();
    report.byTopic.set(row.expect, topic);
    for (const c of [report.inScope, topic]) {
      c.total++;
      if (a.status === "answered" && a.faqId === row.expect) c.correct++;
      else if (a.status === "answered") c.wrong++;
      else if (a.status === "suggested" && a.suggestions.slice(0, 3).some((s) => s.faqId === row.expect)) c.suggested++;
      else c.missed++;
    }
    if (!(a.status === "answered" && a.faqId === row.expect)) report.misses.push({ row, answer: a });
  });
  return report;
}

export async function evaluate(engine: AnswerEngine, rows: readonly EvalRow[]): Promise<EvalReport> {
  const answers: Answer[] = [];
  for (const r of rows) answers.push(await engine.ask(r.q));
  return scoreEval(rows, answers);
}

const pct = (n: number, d: number) => `${((100 * n) / Math.max(d, 1)).toFixed(1)}%`;

export function formatReport(name: string, r: EvalReport, verbose: boolean): string {
  const s = r.inScope;
  const lines = [
    `== ${name}`,
    `in-scope ${s.total}: correct ${pct(s.correct, s.total)} (${s.correct}), suggested ${pct(s.suggested, s.total)} (${s.suggested}), wrong ${pct(s.wrong, s.total)} (${s.wrong}), missed ${pct(s.missed, s.total)} (${s.missed})`,
    `negatives ${r.negatives.total}: answered ${pct(r.negatives.answered, r.negatives.total)} (${r.negatives.answered}), suggested ${pct(r.negatives.suggested, r.negatives.total)} (${r.negatives.suggested})`,
    `smalltalk ${r.smalltalk.total}: correct ${pct(r.smalltalk.correct, r.smalltalk.total)} (${r.smalltalk.correct})`,
    `statuses: ${[...r.byStatus].map(([k, v]) => `${k} ${v}`).join(", ")}`,
    "per topic (correct/suggested/wrong/missed of total):",
    ...[...r.byTopic].sort(([a], [b]) => a.localeCompare(b)).map(([id, c]) => `  ${id.padEnd(32)} ${c.correct}/${c.suggested}/${c.wrong}/${c.missed} of ${c.total}`),
  ];
  if (verbose) {
    for (const m of r.misses) {
      const got = m.answer.status === "answered" ? `answered ${m.answer.faqId}` : `${m.answer.status} [${m.answer.suggestions.map((x) => `${x.faqId} ${x.score}`).join(", ")}]`;
      lines.push(`  MISS ${m.row.q} → expected ${m.row.expect}, got ${got} (conf ${m.answer.confidence.toFixed(2)})`);
    }
  }
  return lines.join("\n");
}
