/** The shapes of the eligibility rules (政策计算器): facts, conditions, benefits. See DESIGN.md "Eligibility check". */
import type { SourceRef } from "../types.js";

export const ELIGIBILITY_DIR = "eligibility";
export const FACTS_FILE = `${ELIGIBILITY_DIR}/facts.yaml`;

export type FactType = "enum" | "number" | "boolean";
export type FactValue = string | number | boolean;

export interface FactChoice {
  value: string;
  label: string;
  /** Other words a user may type for this choice (compared like commands: no punctuation, case or width). */
  aliases: string[];
}

export interface FactDef {
  id: string;
  /** Short name used in explanations, e.g. 人才类别. */
  name: string;
  type: FactType;
  question: string;
  /** enum: the listed values; boolean: 是 / 否 (labels may be renamed with `yes:` / `no:`). */
  choices: FactChoice[];
  /** number: unit shown after the value (周岁, 年, 个月). */
  unit?: string;
  min?: number;
  max?: number;
  line: number;
}

export type CompareOp = "is" | "in" | "atLeast" | "atMost";
export const COMPARE_OPS: readonly CompareOp[] = ["is", "in", "atLeast", "atMost"];

/** A benefit's condition: a small boolean tree over comparisons of facts. */
export type Condition =
  | { kind: "all" | "any"; items: Condition[]; label?: string; line: number }
  | { kind: "not"; item: Condition; label?: string; line: number }
  | { kind: "compare"; fact: string; op: CompareOp; value: FactValue | string[]; label?: string; line: number };

export interface Benefit {
  id: string;
  title: string;
  /** What the benefit gives, one line (shown when it applies). */
  summary?: string;
  source: SourceRef;
  when: Condition;
  sample: boolean;
  file: string;
  line: number;
}

export interface EligibilityRules {
  /** Whole messages that start the check (compared without punctuation, case or width). */
  triggers: string[];
  /** The first line of the check. */
  intro?: string;
  /** The last line of every result: that the bureau's decision prevails. */
  disclaimer?: string;
  facts: FactDef[];
  benefits: Benefit[];
}
