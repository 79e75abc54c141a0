/** Checks across the rules and the knowledge base, and the condition logic they and the evaluator share. */
import type { KnowledgeProblem } from "../errors.js";
import type { PolicyDoc } from "../types.js";
import { FACTS_FILE, type Benefit, type Condition, type EligibilityRules, type FactDef, type FactValue } from "./types.js";
import { codes } from "./yaml.js";

/**
 * Cross-checks of the rules against the rest of the knowledge base: a benefit's source must be
 * an existing document and article; ids unique; no condition may be contradictory (never true)
 * and no `any` branch unreachable; a trigger must not also be an FAQ phrasing (it would never
 * reach the FAQ).
 */
export function checkEligibility(
  rules: EligibilityRules,
  policies: readonly PolicyDoc[],
  faqPhrasings: ReadonlyMap<string, string>,
  keyOf: (text: string) => string,
  problems: KnowledgeProblem[],
): void {
  const docs = new Map(policies.map((p) => [p.id, p]));
  const seen = new Map<string, Benefit>();
  const facts = new Map(rules.facts.map((f) => [f.id, f]));
  for (const b of rules.benefits) {
    const at = { file: b.file, line: b.line };
    const other = seen.get(b.id);
    if (other) {
      problems.push({
        ...at,
        message: `benefit id "${b.id}" is already used in ${other.file}:${other.line}`,
        fix: "give every benefit its own id",
        zh: { message: `待遇编号 \`${b.id}\` 已经在 ${other.file} 第 ${other.line} 行用过`, fix: "每项待遇的编号都要不同，给其中一项换一个编号" },
      });
    } else seen.set(b.id, b);
    const doc = docs.get(b.source.doc);
    if (b.source.doc && !doc) {
      const ids = [...docs.keys()];
      problems.push({
        ...at,
        message: `source names document "${b.source.doc}", which does not exist`,
        fix: `use one of: ${ids.join(", ") || "(no documents in policies/)"}`,
        zh: {
          message: `依据 \`source\` 写的政策文件 \`${b.source.doc}\` 不存在`,
          fix: ids.length > 0 ? `\`doc:\` 改用下列编号之一：${codes(ids)}` : "`policies/` 下还没有政策文件：先添加政策文件，再写 `source`",
        },
      });
    } else if (doc && b.source.article && !doc.articles.some((a) => a.key === b.source.article)) {
      const keys = doc.articles.slice(0, 3).map((a) => a.key);
      problems.push({
        ...at,
        message: `source names article "${b.source.article}", which is not in ${doc.file}`,
        fix: `use a heading key of that document, e.g. ${keys.join(", ")}`,
        zh: { message: `依据 \`source\` 写的条款“${b.source.article}”不在 ${doc.file} 里`, fix: `\`article:\` 改用该文件中的条款标题，例如${keys.map((k) => `“${k}”`).join("、")}` },
      });
    }
    if (!satisfiable(b.when, facts)) {
      problems.push({
        file: b.file,
        line: b.when.line,
        message: `the conditions of "${b.id}" contradict each other: nobody can ever qualify`,
        fix: "check the numbers and values under `when:` (e.g. atLeast above atMost, a fact required to be two different values)",
        zh: {
          message: `待遇 \`${b.id}\` 的条件互相矛盾，谁都不可能满足`,
          fix: "检查 `when:` 下面的数字和选项值，例如 `atLeast` 的数比 `atMost` 的还大，或同一个事实被要求等于两个不同的值",
        },
      });
    } else {
      for (const branch of unreachableBranches(b.when, [], facts)) {
        problems.push({
          file: b.file,
          line: branch.line,
          message: `this branch of an \`any\` in "${b.id}" can never be true (on its own or together with the conditions it sits under)`,
          fix: "remove the branch or correct its contradicting conditions",
          zh: {
            message: `待遇 \`${b.id}\` 的 \`any\` 下面这一项永远不可能成立（本身矛盾，或与它所在的其他条件矛盾）`,
            fix: "删掉这一项，或改正其中互相矛盾的条件",
          },
        });
      }
    }
  }
  const triggerSeen = new Set<string>();
  for (const t of rules.triggers) {
    const key = keyOf(t);
    const faq = faqPhrasings.get(key);
    if (faq) {
      problems.push({
        file: FACTS_FILE,
        message: `trigger "${t}" is also a question or alternate of ${faq}: that FAQ could never be reached with it`,
        fix: "remove the phrase from the FAQ or from `triggers`",
        zh: {
          message: `触发语“${t}”也是问答 \`${faq}\` 的标准问题或其他问法：用户发这句话只会开始政策计算器，得不到这个问答`,
          fix: "从问答里删掉这个问法，或从 `triggers` 里删掉这句触发语",
        },
      });
    }
    if (triggerSeen.has(key)) {
      problems.push({
        file: FACTS_FILE,
        message: `trigger "${t}" is listed twice`,
        fix: "keep each trigger once",
        zh: { message: `触发语“${t}”列了两次`, fix: "同一句触发语只保留一处，删掉重复的一行" },
      });
    }
    triggerSeen.add(key);
  }
}

/** `any` branches that no assignment makes true together with the `all` conditions around them. */
export function unreachableBranches(c: Condition, context: Condition[], facts: ReadonlyMap<string, FactDef>): Condition[] {
  if (c.kind === "compare") return [];
  // Under a `not` the surrounding conditions turn around; its inside is checked on its own.
  if (c.kind === "not") return unreachableBranches(c.item, [], facts);
  if (c.kind === "all") return c.items.flatMap((item) => unreachableBranches(item, [...context, ...c.items.filter((o) => o !== item)], facts));
  return c.items.flatMap((branch) => (satisfiable({ kind: "all", items: [...context, branch], line: branch.line }, facts) ? unreachableBranches(branch, context, facts) : [branch]));
}

/** Facts a condition mentions. */
export function factsOf(c: Condition, into = new Set<string>()): Set<string> {
  if (c.kind === "compare") into.add(c.fact);
  else if (c.kind === "not") factsOf(c.item, into);
  else for (const i of c.items) factsOf(i, into);
  return into;
}

/** The two-valued truth of a condition for a full assignment. */
export function holds(c: Condition, values: ReadonlyMap<string, FactValue>): boolean {
  switch (c.kind) {
    case "all":
      return c.items.every((i) => holds(i, values));
    case "any":
      return c.items.some((i) => holds(i, values));
    case "not":
      return !holds(c.item, values);
    case "compare":
      return compare(c, values.get(c.fact)!);
  }
}

export function compare(c: Extract<Condition, { kind: "compare" }>, v: FactValue): boolean {
  switch (c.op) {
    case "is":
      return v === c.value;
    case "in":
      return (c.value as string[]).includes(String(v));
    case "atLeast":
      return typeof v === "number" && v >= (c.value as number);
    case "atMost":
      return typeof v === "number" && v <= (c.value as number);
  }
}

/** Whether some assignment of the facts makes `c` true: tries every choice and, for numbers, both sides of every threshold. */
export function satisfiable(c: Condition, facts: ReadonlyMap<string, FactDef>, limit = 200_000): boolean {
  const ids = [...factsOf(c)];
  const domains = ids.map((id) => domainOf(id, c, facts.get(id)!));
  const total = domains.reduce((n, d) => n * d.length, 1);
  if (total > limit) return true; // too many to try: assume it can be met
  const values = new Map<string, FactValue>();
  const walk = (i: number): boolean => {
    if (i === ids.length) return holds(c, values);
    for (const v of domains[i]!) {
      values.set(ids[i]!, v);
      if (walk(i + 1)) return true;
    }
    return false;
  };
  return walk(0);
}

export function domainOf(id: string, c: Condition, fact: FactDef): FactValue[] {
  if (fact.type === "boolean") return [true, false];
  if (fact.type === "enum") return fact.choices.map((ch) => ch.value);
  const points = new Set<number>();
  const visit = (n: Condition) => {
    if (n.kind === "compare") {
      if (n.fact === id && typeof n.value === "number") for (const d of [-0.5, 0, 0.5]) points.add(n.value + d);
    } else if (n.kind === "not") visit(n.item);
    else n.items.forEach(visit);
  };
  visit(c);
  const inRange = [...points].filter((p) => (fact.min === undefined || p >= fact.min) && (fact.max === undefined || p <= fact.max));
  if (fact.min !== undefined) inRange.push(fact.min);
  if (fact.max !== undefined) inRange.push(fact.max);
  return inRange.length > 0 ? inRange : [0];
}
