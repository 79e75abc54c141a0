import type { EligibilityRules, FactDef, FactValue } from "../../knowledge/eligibility.js";
import { cleanText } from "../../search/normalize.js";
import { choiceNumber } from "../stages/choices.js";
import { nextFact, results, type BenefitResult } from "./evaluate.js";

/**
 * The guided check as a small state machine, like a Rasa form: one slot (fact) is asked at a
 * time, the one the rules still need; a reply is validated against the fact's type and, when
 * it does not fit, the same question is asked again with what is expected; 跳过 leaves the fact
 * unknown; 返回 undoes the last answer; 重新开始 forgets every answer; 退出 leaves. The state
 * lives in the conversation's expiring state (ConversationState.eligibility), nowhere else.
 */

export interface DialogueState {
  /** Facts answered so far (in memory only; never logged). */
  values: Record<string, FactValue>;
  skipped: string[];
  /** Facts answered or skipped, in order, for 返回. */
  history: string[];
  /** The fact whose question is waiting for a reply. */
  asking?: string;
  /** Replies in a row that did not fit the question. */
  misses: number;
}

/** Generic control words; a knowledge base cannot rename them (they are said in the prompts). */
export const BACK_WORDS = ["返回", "上一步", "上一题", "back"];
export const RESTART_WORDS = ["重新开始", "重来", "重新计算", "restart"];
export const EXIT_WORDS = ["退出", "结束", "取消", "退出计算器", "exit", "quit", "cancel"];
export const SKIP_WORDS = ["跳过", "不确定", "不知道", "不清楚", "skip"];
export const SKIP_LABEL = "不确定，跳过";
const YES_WORDS = ["是", "是的", "有", "对", "对的", "yes", "y"];
const NO_WORDS = ["否", "不是", "没有", "无", "不", "no", "n"];

const keyOf = (text: string) => cleanText(text).replace(/\s+/g, "");
const inWords = (key: string, words: readonly string[]) => words.some((w) => keyOf(w) === key);

export type Step = { kind: "ask"; fact: FactDef; number: number; retry?: string } | { kind: "result"; results: BenefitResult[]; skipped: FactDef[] } | { kind: "exit" };

export function startDialogue(): DialogueState {
  return { values: {}, skipped: [], history: [], misses: 0 };
}

export function isTrigger(rules: EligibilityRules, key: string): boolean {
  return rules.triggers.some((t) => keyOf(t) === key);
}

/** What to do now: ask the next needed fact, or give the result when none is left. */
export function advance(rules: EligibilityRules, state: DialogueState): Step {
  const values = new Map(Object.entries(state.values));
  const fact = nextFact(rules, values, new Set(state.skipped));
  if (fact) {
    state.asking = fact.id;
    return { kind: "ask", fact, number: state.history.length + 1 };
  }
  delete state.asking;
  const skipped = rules.facts.filter((f) => state.skipped.includes(f.id));
  return { kind: "result", results: results(rules, values), skipped };
}

/** Handles one reply (its comparison key) while the check runs. */
export function reply(rules: EligibilityRules, state: DialogueState, key: string): Step {
  if (inWords(key, EXIT_WORDS)) return { kind: "exit" };
  if (inWords(key, RESTART_WORDS)) {
    Object.assign(state, startDialogue());
    return advance(rules, state);
  }
  if (inWords(key, BACK_WORDS)) {
    const last = state.history.pop();
    if (last !== undefined) {
      delete state.values[last];
      state.skipped = state.skipped.filter((f) => f !== last);
    }
    state.misses = 0;
    return advance(rules, state);
  }
  const fact = rules.facts.find((f) => f.id === state.asking);
  // The knowledge base was reloaded without the fact being asked: ask what is needed now.
  if (!fact) return advance(rules, state);
  if (inWords(key, SKIP_WORDS) || key === keyOf(SKIP_LABEL) || (fact.type !== "number" && choiceNumber(key) === fact.choices.length + 1)) {
    state.skipped.push(fact.id);
    state.history.push(fact.id);
    state.misses = 0;
    return advance(rules, state);
  }
  const parsed = parseValue(fact, key);
  if (typeof parsed === "object") {
    state.misses++;
    return { kind: "ask", fact, number: state.history.length + 1, retry: parsed.problem };
  }
  state.values[fact.id] = parsed;
  state.history.push(fact.id);
  state.misses = 0;
  return advance(rules, state);
}

/** A reply as a value of `fact`, or what is wrong with it. */
export function parseValue(fact: FactDef, key: string): FactValue | { problem: string } {
  if (fact.type === "number") {
    const n = parseNumber(key, fact.unit);
    if (n === undefined) return { problem: `请回复一个数字${fact.unit ? `（单位：${fact.unit}）` : ""}，例如 ${fact.min !== undefined && fact.min > 0 ? fact.min : 5}。` };
    if ((fact.min !== undefined && n < fact.min) || (fact.max !== undefined && n > fact.max)) {
      return { problem: `请回复 ${fact.min ?? "…"} 到 ${fact.max ?? "…"} 之间的数字${fact.unit ? `（单位：${fact.unit}）` : ""}。` };
    }
    return n;
  }
  const number = choiceNumber(key);
  let choice = number !== undefined ? fact.choices[number - 1] : undefined;
  if (!choice) choice = fact.choices.find((c) => [c.label, c.value, ...c.aliases].some((w) => keyOf(w) === key));
  if (!choice && fact.type === "boolean") {
    if (inWords(key, YES_WORDS)) choice = fact.choices[0];
    else if (inWords(key, NO_WORDS)) choice = fact.choices[1];
  }
  if (!choice && key.length > 0) {
    // A unique choice whose label contains the reply ("c类" for "C类（省级领军人才）").
    const containing = fact.choices.filter((c) => keyOf(c.label).includes(key));
    if (containing.length === 1) choice = containing[0];
  }
  if (!choice) return { problem: `没有看懂您的回答。请回复 1—${fact.choices.length + 1} 中的一个序号，或点选下面的选项。` };
  return fact.type === "boolean" ? choice.value === "true" : choice.value;
}

const DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** "35", "35岁", "３５周岁", "三十五", "5年", "2.5": the number in a reply, or undefined. */
export function parseNumber(key: string, unit?: string): number | undefined {
  let text = key;
  for (const word of [unit, "周岁", "岁", "年", "个月", "月", "个", "左右", "大约", "约"]) if (word) text = text.replaceAll(keyOf(word), "");
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text);
  const m = /^([一二两三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(text);
  if (!m || text === "" || (!m[2] && m[3])) return /^[零〇一二两三四五六七八九]$/.test(text) ? DIGITS[text] : undefined;
  if (!m[2]) return DIGITS[m[1]!];
  return (m[1] ? DIGITS[m[1]]! : 1) * 10 + (m[3] ? DIGITS[m[3]]! : 0);
}
