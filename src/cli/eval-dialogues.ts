import type { Answer } from "../core/answer.js";
import type { AnswerEngine } from "../core/engine.js";
import { readJsonLines } from "./eval.js";
import { askInContext } from "../core/follow-up.js";
import { nextTopic, type TopicContext } from "../core/topic.js";

/**
 * One evaluation dialogue (tests/eval/dialogues*.jsonl): turns asked in order in one conversation.
 * `expect` is an FAQ id, `none` or `smalltalk`; `followup` marks a turn that only makes sense after the
 * earlier ones (那D类呢？), `false` a later turn that stands on its own (a topic switch).
 */
export interface Dialogue {
  id: string;
  /** Which batch it was written in (a blind batch is measured once, then kept as a floor). */
  batch?: string;
  turns: { q: string; expect: string; followup: boolean }[];
}

export interface DialogueReport {
  dialogues: number;
  /** Later turns marked as follow-ups. */
  followUps: { total: number; right: number; wrong: number };
  /** Later turns that stand on their own: `hijacked` were answered right alone and not in the conversation. */
  standalone: { total: number; right: number; wrong: number; hijacked: number };
  misses: { dialogue: string; turn: number; q: string; expect: string; got: string; understood?: string }[];
}

export function readDialogueFile(path: string): Promise<Dialogue[]> {
  const turnsOk = (d: Partial<Dialogue>) =>
    Array.isArray(d.turns) && d.turns.length > 0 && d.turns.every((t) => typeof t.q === "string" && typeof t.expect === "string" && typeof t.followup === "boolean");
  return readJsonLines<Dialogue>(path, (d) => typeof d.id === "string" && turnsOk(d), '"id" and "turns": [{"q", "expect", "followup"}]');
}

/** What a turn got, in the terms of `expect`. */
function outcomeOf(answer: Answer): string {
  if (answer.status === "answered") return answer.faqId!;
  return answer.status === "smalltalk" ? "smalltalk" : "none";
}

/** Right: the expected id answered, or (for none) nothing answered; wrong: another entry answered. */
function judge(expect: string, got: string): { right: boolean; wrong: boolean } {
  const right = expect === "none" ? got === "none" : got === expect;
  return { right, wrong: !right && got !== "none" && got !== "smalltalk" };
}

/** Asks every dialogue's turns in order, each with the subject the earlier turns left, as the bot does. */
export async function evaluateDialogues(engine: AnswerEngine, dialogues: readonly Dialogue[]): Promise<DialogueReport> {
  const report: DialogueReport = { dialogues: dialogues.length, followUps: { total: 0, right: 0, wrong: 0 }, standalone: { total: 0, right: 0, wrong: 0, hijacked: 0 }, misses: [] };
  for (const d of dialogues) {
    let topic: TopicContext | undefined;
    for (const [i, turn] of d.turns.entries()) {
      const result = await askInContext(engine, turn.q, topic);
      topic = nextTopic(turn.q, result) ?? topic;
      if (i === 0) continue;
      const got = outcomeOf(result.answer);
      const { right, wrong } = judge(turn.expect, got);
      const counts = turn.followup ? report.followUps : report.standalone;
      counts.total++;
      if (right) counts.right++;
      if (wrong) counts.wrong++;
      if (!turn.followup && !right && judge(turn.expect, outcomeOf(await engine.ask(turn.q))).right) report.standalone.hijacked++;
      if (!right) report.misses.push({ dialogue: d.id, turn: i + 1, q: turn.q, expect: turn.expect, got, ...(result.understood ? { understood: result.understood } : {}) });
    }
  }
  return report;
}

const pct = (n: number, d: number) => `${((100 * n) / Math.max(d, 1)).toFixed(1)}%`;

export function formatDialogueReport(name: string, r: DialogueReport, verbose: boolean): string {
  const f = r.followUps;
  const s = r.standalone;
  const lines = [
    `== ${name} (${r.dialogues} dialogues)`,
    `follow-ups ${f.total}: right ${pct(f.right, f.total)} (${f.right}), wrong ${pct(f.wrong, f.total)} (${f.wrong})`,
    `standalone later turns ${s.total}: right ${pct(s.right, s.total)} (${s.right}), wrong ${pct(s.wrong, s.total)} (${s.wrong}), hijacked by the context ${pct(s.hijacked, s.total)} (${s.hijacked})`,
  ];
  if (verbose) for (const m of r.misses) lines.push(`  MISS ${m.dialogue}#${m.turn} ${m.q} → expected ${m.expect}, got ${m.got}${m.understood ? ` (understood: ${m.understood})` : ""}`);
  return lines.join("\n");
}
