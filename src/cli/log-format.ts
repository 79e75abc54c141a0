import type { ReloadReport } from "../core/live-engine.js";
import { formatProblem } from "../knowledge/errors.js";
import type { QuestionGroup } from "../log/types.js";
import type { GroupDetails, OutOfScopeResult } from "../staff/desk.js";
import type { PromoteResult } from "../staff/promote.js";

/** Local "YYYY-MM-DD HH:mm" of an ISO time: staff think in their own clock. */
export function localTime(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function reasons(group: QuestionGroup): string {
  return Object.entries(group.reasons).map(([reason, n]) => `${reason} ${n}`).join(", ");
}

/** One line per group: id, status, size, first question, when, where, why. */
export function formatGroupList(groups: readonly QuestionGroup[]): string {
  if (groups.length === 0) return "no question groups";
  const width = Math.max(...groups.map((g) => g.id.length));
  return groups
    .map((g) => `${g.id.padEnd(width)}  ${g.status.padEnd(9)} ×${String(g.count).padEnd(4)} ${g.representative}\n${" ".repeat(width + 2)}last ${localTime(g.lastAskedAt)} · ${g.channels.join(", ")} · ${reasons(g)}`)
    .join("\n");
}

export function formatGroupDetails({ group, entries, pending }: GroupDetails): string {
  const lines = [
    `group ${group.id} · ${group.status} · asked ${group.count} time(s)`,
    `question:    ${group.representative}`,
    `first asked: ${localTime(group.firstAskedAt)}   last asked: ${localTime(group.lastAskedAt)}`,
    `channels:    ${group.channels.join(", ")}`,
    `reasons:     ${reasons(group)}`,
  ];
  if (group.bestGuesses.length > 0) lines.push(`best FAQ guesses: ${group.bestGuesses.map((g) => `${g.faqId} ${g.score}`).join(", ")}`);
  if (group.reply) lines.push(`reply (${localTime(group.reply.repliedAt)}): ${group.reply.text}`);
  if (group.promotedTo) lines.push(`promoted to FAQ: ${group.promotedTo}`);
  if (group.dismissReason) lines.push(`dismissed: ${group.dismissReason}`);
  lines.push("variants:", ...group.variants.map((v) => `  - ${v}`));
  lines.push("questions:");
  for (const e of entries) {
    const extra = [e.faqId ? `faq ${e.faqId}` : "", e.senderName ? `from ${e.senderName}` : "", e.conversationId ? "" : "(no conversation: cannot be answered)"].filter(Boolean).join(" ");
    lines.push(`  ${e.id}  ${localTime(e.askedAt)}  ${e.channel}  ${e.reason}  ${e.text}${extra ? `  ${extra}` : ""}`);
  }
  if (pending.length > 0) lines.push(`replies waiting for delivery: ${pending.length} (${pending.map((m) => `${m.channel}${m.attempts ? `, ${m.attempts} failed attempt(s)` : ""}`).join("; ")})`);
  return lines.join("\n");
}

export function formatPromote(result: PromoteResult): string {
  const lines = [result.created ? `wrote new FAQ ${result.faqId}: ${result.file}` : `added ${result.alternates.length} alternate(s) to FAQ ${result.faqId}: ${result.file}`];
  if (result.alternates.length > 0) lines.push("alternates:", ...result.alternates.map((a) => `  - ${a}`));
  for (const s of result.skipped) lines.push(`skipped "${s.text}": ${s.why}`);
  if (result.removedOutOfScope.length > 0) lines.push(`removed from out-of-scope.md (the FAQ answers them now): ${result.removedOutOfScope.map((t) => `"${t}"`).join(", ")}`);
  lines.push(`group ${result.group.id} is now promoted`);
  lines.push(reloadLine(result.reload));
  return lines.join("\n");
}

export function formatOutOfScope(result: OutOfScopeResult): string {
  const lines = [`added ${result.added.length} out-of-scope example(s) under "## ${result.subject}": ${result.file}`];
  lines.push(...result.added.map((a) => `  - ${a}`));
  for (const s of result.skipped) lines.push(`skipped "${s.text}": ${s.why}`);
  lines.push(`group ${result.group.id} is now dismissed (${result.group.dismissReason ?? ""})`);
  if (result.added.length > 0) lines.push(reloadLine(result.reload, "the examples take effect"));
  return lines.join("\n");
}

function reloadLine(reload: ReloadReport | undefined, what = "the FAQ takes effect"): string {
  if (!reload) return `no bot is running: ${what} when the bot starts`;
  if (reload.ok) return `the running bot reloaded the knowledge base: ${reload.faqs} FAQ entries`;
  return `the running bot could NOT reload the knowledge base (${reload.message}) and still answers with the previous version:\n${reload.problems.map(formatProblem).join("\n")}`;
}
