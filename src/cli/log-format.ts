import type { ReloadReport } from "../core/live-engine.js";
import { oneLine } from "../core/render-text.js";
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

/** `--zh`: the words staff know from the console, for staff who read `talentbot log` output. */
export type LabelLanguage = "en" | "zh";

const ZH_STATUS: Record<string, string> = { open: "待处理", replied: "已答复", promoted: "已加入问答", dismissed: "已忽略" };
const ZH_REASON: Record<string, string> = { suggested: "给出建议", excerpt: "摘录回答", unanswered: "未能回答", human: "转人工", unhelpful: "反馈无帮助" };
const ZH_CHANNEL: Record<string, string> = { web: "网页", console: "终端", telegram: "Telegram", wechat: "微信" };

const label = (names: Record<string, string>, value: string, language: LabelLanguage) => (language === "zh" ? (names[value] ?? value) : value);

function reasons(group: QuestionGroup, language: LabelLanguage): string {
  return Object.entries(group.reasons)
    .map(([reason, n]) => `${label(ZH_REASON, reason, language)} ${n}`)
    .join(language === "zh" ? "，" : ", ");
}

const channels = (group: QuestionGroup, language: LabelLanguage) => group.channels.map((c) => label(ZH_CHANNEL, c, language)).join(language === "zh" ? "、" : ", ");

/** One line per group: id, status, size, first question, when, where, why. */
export function formatGroupList(groups: readonly QuestionGroup[], language: LabelLanguage = "en"): string {
  if (groups.length === 0) return language === "zh" ? "没有问题组" : "no question groups";
  const width = Math.max(...groups.map((g) => g.id.length));
  const last = language === "zh" ? "最近" : "last";
  return groups
    .map(
      (g) =>
        `${g.id.padEnd(width)}  ${label(ZH_STATUS, g.status, language).padEnd(language === "zh" ? 5 : 9)} ×${String(g.count).padEnd(4)} ${oneLine(g.representative)}\n${" ".repeat(width + 2)}${last} ${localTime(g.lastAskedAt)} · ${channels(g, language)} · ${reasons(g, language)}`,
    )
    .join("\n");
}

export function formatGroupDetails({ group, entries, pending }: GroupDetails, language: LabelLanguage = "en"): string {
  if (language === "zh") return formatGroupDetailsZh({ group, entries, pending });
  const lines = [
    `group ${group.id} · ${group.status} · asked ${group.count} time(s)`,
    `question:    ${oneLine(group.representative)}`,
    `first asked: ${localTime(group.firstAskedAt)}   last asked: ${localTime(group.lastAskedAt)}`,
    `channels:    ${group.channels.join(", ")}`,
    `reasons:     ${reasons(group, "en")}`,
  ];
  if (group.bestGuesses.length > 0) lines.push(`best FAQ guesses: ${group.bestGuesses.map((g) => `${g.faqId} ${g.score}`).join(", ")}`);
  if (group.reply) lines.push(`reply (${localTime(group.reply.repliedAt)}): ${group.reply.text}`);
  if (group.promotedTo) lines.push(`promoted to FAQ: ${group.promotedTo}`);
  if (group.dismissReason) lines.push(`dismissed: ${group.dismissReason}`);
  lines.push("variants:", ...group.variants.map((v) => `  - ${oneLine(v)}`));
  lines.push("questions:");
  for (const e of entries) {
    const extra = [e.faqId ? `faq ${e.faqId}` : "", e.senderName ? `from ${oneLine(e.senderName)}` : "", e.conversationId ? "" : "(no conversation: cannot be answered)"].filter(Boolean).join(" ");
    lines.push(`  ${e.id}  ${localTime(e.askedAt)}  ${e.channel}  ${e.reason}  ${oneLine(e.text)}${extra ? `  ${extra}` : ""}`);
  }
  if (pending.length > 0) lines.push(`replies waiting for delivery: ${pending.length} (${pending.map((m) => `${m.channel}${m.attempts ? `, ${m.attempts} failed attempt(s)` : ""}`).join("; ")})`);
  return lines.join("\n");
}

function formatGroupDetailsZh({ group, entries, pending }: GroupDetails): string {
  const zh = "zh" as const;
  const lines = [
    `问题组 ${group.id} · ${label(ZH_STATUS, group.status, zh)} · 共 ${group.count} 次`,
    `问题：    ${oneLine(group.representative)}`,
    `首次提问：${localTime(group.firstAskedAt)}   最近提问：${localTime(group.lastAskedAt)}`,
    `渠道：    ${channels(group, zh)}`,
    `原因：    ${reasons(group, zh)}`,
  ];
  if (group.bestGuesses.length > 0) lines.push(`机器人的猜测：${group.bestGuesses.map((g) => `${g.faqId} ${g.score}`).join("，")}`);
  if (group.reply) lines.push(`答复（${localTime(group.reply.repliedAt)}）：${group.reply.text}`);
  if (group.promotedTo) lines.push(`已加入问答：${group.promotedTo}`);
  if (group.dismissReason) lines.push(`忽略原因：${group.dismissReason}`);
  lines.push("不同问法：", ...group.variants.map((v) => `  - ${oneLine(v)}`));
  lines.push("提问记录：");
  for (const e of entries) {
    const extra = [e.faqId ? `问答 ${e.faqId}` : "", e.senderName ? `来自 ${oneLine(e.senderName)}` : "", e.conversationId ? "" : "（会话信息已过保留期，无法答复）"].filter(Boolean).join(" ");
    lines.push(`  ${e.id}  ${localTime(e.askedAt)}  ${label(ZH_CHANNEL, e.channel, zh)}  ${label(ZH_REASON, e.reason, zh)}  ${oneLine(e.text)}${extra ? `  ${extra}` : ""}`);
  }
  if (pending.length > 0) lines.push(`等待送达的答复：${pending.length} 条`);
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
