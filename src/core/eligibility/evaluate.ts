import { compare, type Benefit, type Condition, type EligibilityRules, type FactDef, type FactValue } from "../../knowledge/eligibility.js";

/**
 * Three-valued evaluation of the eligibility rules (true / false / unknown) over the facts
 * known so far. A fact is worth asking only while some benefit is undecided and that fact
 * sits in a part of its condition that is itself undecided (`pendingFacts`): once an `all`
 * has a false member, or an `any` a true one, nothing under it changes the result.
 */

/** `undefined` = unknown (a fact it needs is not known yet, or was skipped). */
export type Truth = boolean | undefined;

export type FactValues = ReadonlyMap<string, FactValue>;

export function evaluate(c: Condition, values: FactValues): Truth {
  switch (c.kind) {
    case "all": {
      let unknown = false;
      for (const item of c.items) {
        const t = evaluate(item, values);
        if (t === false) return false;
        if (t === undefined) unknown = true;
      }
      return unknown ? undefined : true;
    }
    case "any": {
      let unknown = false;
      for (const item of c.items) {
        const t = evaluate(item, values);
        if (t === true) return true;
        if (t === undefined) unknown = true;
      }
      return unknown ? undefined : false;
    }
    case "not": {
      const t = evaluate(c.item, values);
      return t === undefined ? undefined : !t;
    }
    case "compare": {
      const v = values.get(c.fact);
      return v === undefined ? undefined : compare(c, v);
    }
  }
}

/** Unknown facts that can still change the value of `c` (empty once it is decided). */
export function pendingFacts(c: Condition, values: FactValues, into = new Set<string>()): Set<string> {
  if (evaluate(c, values) !== undefined) return into;
  switch (c.kind) {
    case "all":
    case "any":
      for (const item of c.items) pendingFacts(item, values, into);
      return into;
    case "not":
      return pendingFacts(c.item, values, into);
    case "compare":
      into.add(c.fact);
      return into;
  }
}

/**
 * The next fact to ask: the first one, in the order facts.yaml declares them, that some
 * undecided benefit still depends on and that the user has not skipped.
 */
export function nextFact(rules: EligibilityRules, values: FactValues, skipped: ReadonlySet<string>): FactDef | undefined {
  const wanted = new Set<string>();
  for (const b of rules.benefits) pendingFacts(b.when, values, wanted);
  return rules.facts.find((f) => wanted.has(f.id) && !skipped.has(f.id) && !values.has(f.id));
}

export interface BenefitResult {
  benefit: Benefit;
  outcome: "applies" | "fails" | "unknown";
  /** applies: the conditions met; fails: the condition not met; unknown: the skipped facts it depends on (their names). */
  reasons: string[];
}

export function results(rules: EligibilityRules, values: FactValues): BenefitResult[] {
  const facts = new Map(rules.facts.map((f) => [f.id, f]));
  return rules.benefits.map((benefit) => {
    const t = evaluate(benefit.when, values);
    if (t === true) return { benefit, outcome: "applies", reasons: why(benefit.when, values, facts) };
    if (t === false) return { benefit, outcome: "fails", reasons: whyNot(benefit.when, values, facts) };
    const pending = [...pendingFacts(benefit.when, values)];
    return { benefit, outcome: "unknown", reasons: rules.facts.filter((f) => pending.includes(f.id)).map((f) => f.name) };
  });
}

/** The met conditions that make `c` true (for an `any`, the first met branch). */
function why(c: Condition, values: FactValues, facts: ReadonlyMap<string, FactDef>): string[] {
  if (c.label && c.kind !== "compare") return [c.label];
  switch (c.kind) {
    case "all":
      return c.items.flatMap((i) => why(i, values, facts));
    case "any": {
      const met = c.items.find((i) => evaluate(i, values) === true);
      return met ? why(met, values, facts) : [];
    }
    case "not":
    case "compare":
      return [describe(c, facts, values)];
  }
}

/** The condition that is not met (for an `all`, its first unmet member). */
function whyNot(c: Condition, values: FactValues, facts: ReadonlyMap<string, FactDef>): string[] {
  if (c.kind === "all" && !c.label) {
    const failed = c.items.find((i) => evaluate(i, values) === false);
    if (failed) return whyNot(failed, values, facts);
  }
  return [describe(c, facts, values)];
}

/** A condition in words, e.g. 人才类别为C类、D类或E类（您的回答：未认定）. */
export function describe(c: Condition, facts: ReadonlyMap<string, FactDef>, values?: FactValues): string {
  if (c.label && c.kind !== "compare") return c.label;
  switch (c.kind) {
    case "all":
      return c.items.map((i) => describe(i, facts)).join("，且");
    case "any":
      return c.items.map((i) => describe(i, facts)).join("，或");
    case "not":
      return `不属于“${describe(c.item, facts)}”`;
    case "compare": {
      const fact = facts.get(c.fact);
      if (!fact) return c.fact;
      const label = (v: string) => fact.choices.find((ch) => ch.value === v)?.label ?? v;
      let text: string;
      if (c.label) text = c.label;
      else if (c.op === "atLeast") text = `${fact.name}不少于${String(c.value)}${fact.unit ?? ""}`;
      else if (c.op === "atMost") text = `${fact.name}不超过${String(c.value)}${fact.unit ?? ""}`;
      else {
        const list = (Array.isArray(c.value) ? c.value : [String(c.value)]).map(label);
        text = `${fact.name}：${list.length > 1 ? `${list.slice(0, -1).join("、")}或${list.at(-1)!}` : list[0]!}`;
      }
      const given = values?.get(c.fact);
      return given === undefined ? text : `${text}（您的回答：${valueText(fact, given)}）`;
    }
  }
}

export function valueText(fact: FactDef, v: FactValue): string {
  if (fact.type === "number") return `${String(v)}${fact.unit ?? ""}`;
  return fact.choices.find((ch) => ch.value === String(v))?.label ?? String(v);
}
