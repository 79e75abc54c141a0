import type { EligibilityRules } from "../../knowledge/eligibility.js";
import type { BotConfig, PolicyDoc } from "../../knowledge/types.js";
import { contactLine } from "../reply-text.js";
import type { BenefitResult } from "./evaluate.js";
import type { Step } from "./dialogue.js";

/** What the eligibility check says; the facts' questions and benefits' titles come from the knowledge base. */

export const DEFAULT_INTRO = "政策计算器：回答几个问题，看看您可能享受哪些政策。";
export const DEFAULT_DISCLAIMER = "以上结果根据您的回答自动判断，仅供参考，最终以主管部门的审核认定为准。";
export const CONTROLS_TEXT = "随时可回复：返回（上一题）、重新开始、退出";
export const NUMBER_CONTROLS_TEXT = "也可回复：跳过、返回（上一题）、重新开始、退出";
export const CHOICES_PROMPT = `回复序号或选项文字。${CONTROLS_TEXT}`;
/** `trigger`: the knowledge base's first trigger phrase, which starts the check again. */
export const interruptedText = (trigger: string) => `已退出政策计算器，先回答您的问题。回复“${trigger}”可重新开始。`;
export const exitText = (trigger: string) => `已退出政策计算器，您的回答没有保存。可以继续提问，或回复“${trigger}”重新开始。`;

export function askText(step: Extract<Step, { kind: "ask" }>, intro: string | undefined): string {
  const lines: string[] = [];
  if (intro) lines.push(intro, "");
  if (step.retry) lines.push(step.retry);
  lines.push(`第 ${step.number} 题：${step.fact.question}`);
  if (step.fact.type === "number") lines.push(`请直接回复数字${step.fact.unit ? `（单位：${step.fact.unit}）` : ""}。${NUMBER_CONTROLS_TEXT}`);
  return lines.join("\n");
}

export function resultText(rules: EligibilityRules, results: readonly BenefitResult[], policies: ReadonlyMap<string, PolicyDoc>, bot: BotConfig, skippedNames: readonly string[]): string {
  const cite = (r: BenefitResult) => `《${policies.get(r.benefit.source.doc)?.title ?? r.benefit.source.doc}》${r.benefit.source.article ?? ""}`;
  const applies = results.filter((r) => r.outcome === "applies");
  const fails = results.filter((r) => r.outcome === "fails");
  const unknown = results.filter((r) => r.outcome === "unknown");
  const lines = ["**政策计算器结果**（根据您的回答）"];
  lines.push("", `✅ 可以享受（${applies.length} 项）：`);
  if (applies.length === 0) lines.push("根据您的回答，暂未找到可以享受的政策。");
  applies.forEach((r, i) => {
    lines.push(`${i + 1}. **${r.benefit.title}**${r.benefit.summary ? `：${r.benefit.summary}` : ""}`);
    lines.push(`   原因：${r.reasons.join("；")}`, `   依据：${cite(r)}`);
  });
  if (fails.length > 0) {
    lines.push("", `❌ 暂不符合（${fails.length} 项）：`);
    fails.forEach((r, i) => lines.push(`${i + 1}. ${r.benefit.title}——不满足：${r.reasons.join("；")}（${cite(r)}）`));
  }
  if (unknown.length > 0) {
    lines.push("", `❔ 取决于您跳过的问题（${unknown.length} 项）：`);
    unknown.forEach((r, i) => lines.push(`${i + 1}. ${r.benefit.title}——取决于：${r.reasons.join("、")}（${cite(r)}）`));
  } else if (skippedNames.length > 0) {
    lines.push("", `您跳过的问题（${skippedNames.join("、")}）不影响以上结果。`);
  }
  const docs = [...new Set(results.map((r) => r.benefit.source.doc))].map((d) => `《${policies.get(d)?.title ?? d}》`);
  lines.push("", `政策原文：${docs.join("、")}（网页版可点击下方链接查看）`);
  lines.push("", rules.disclaimer ?? DEFAULT_DISCLAIMER, contactLine(bot), `回复“${rules.triggers[0] ?? ""}”可再算一次。`);
  return lines.join("\n");
}
