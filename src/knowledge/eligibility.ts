import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Node, type YAMLMap } from "yaml";
import { join } from "node:path";
import type { KnowledgeProblem } from "./errors.js";
import { listFiles, readText } from "./files.js";
import { KNOWLEDGE_SCHEMA_VERSION, type PolicyDoc, type SourceRef } from "./types.js";

/**
 * The eligibility rules (政策计算器) under `knowledge/eligibility/`: `facts.yaml` declares every
 * fact the rules may ask about (its type, question and choices) and the phrases that start the
 * check; every other `*.yaml` file there lists benefits, each with its article and a condition
 * over those facts. See DESIGN.md "Eligibility check". Nothing here knows the sample's rules.
 */

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

const ID = /^[a-z0-9][a-z0-9_-]*$/;

type Report = (line: number | undefined, message: string, fix: string) => void;

/** Parses one YAML file into its top-level map and a way to find lines; a syntax problem is reported. */
function readYaml(file: string, source: string, problems: KnowledgeProblem[]): { map: YAMLMap; lineOf: (node: unknown) => number | undefined; deref: (node: unknown) => unknown } | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    problems.push({ file, line: lineCounter.linePos(err.pos[0]).line, message: `invalid YAML: ${err.message.split("\n")[0]}`, fix: "fix the YAML syntax (indentation, `key: value`, `- ` before each list item)" });
    return undefined;
  }
  if (!isMap(doc.contents)) {
    problems.push({ file, line: 1, message: "the file is not a set of `key: value` fields", fix: "start with `schemaVersion: 1` (see DESIGN.md, Eligibility check)" });
    return undefined;
  }
  const lineOf = (node: unknown) => {
    const range = (node as Node | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
  // `*name` refers to a condition written once as `&name` (resolved to that node).
  const deref = (node: unknown): unknown => (isAlias(node) ? node.resolve(doc) : node);
  return { map: doc.contents, lineOf, deref };
}

function entry(map: YAMLMap, key: string): { key: unknown; value: unknown } | undefined {
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
  return pair ? { key: pair.key, value: pair.value } : undefined;
}

function scalar(node: unknown): unknown {
  return isScalar(node) ? node.value : undefined;
}

function text(node: unknown): string | undefined {
  const v = scalar(node);
  if (typeof v === "number") return String(v);
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

function checkSchemaVersion(map: YAMLMap, report: Report, lineOf: (n: unknown) => number | undefined): void {
  const e = entry(map, "schemaVersion");
  if (!e) return report(1, "missing `schemaVersion`", `add the line \`schemaVersion: ${KNOWLEDGE_SCHEMA_VERSION}\``);
  const v = scalar(e.value);
  if (v !== KNOWLEDGE_SCHEMA_VERSION) report(lineOf(e.key), `schemaVersion ${String(v)} is not supported (this talentbot reads ${KNOWLEDGE_SCHEMA_VERSION})`, "convert the file or use a matching talentbot version");
}

function textList(node: unknown, report: Report, lineOf: (n: unknown) => number | undefined, what: string): string[] {
  if (node === undefined || node === null || scalar(node) === null) return [];
  if (!isSeq(node)) {
    report(lineOf(node), `\`${what}\` must be a list`, `write each item on its own line as \`  - …\``);
    return [];
  }
  const out: string[] = [];
  for (const item of node.items) {
    const t = text(item);
    if (t === undefined) report(lineOf(item), `an item of \`${what}\` is empty or not text`, "write text after `- `");
    else out.push(t);
  }
  return out;
}

/** facts.yaml: `schemaVersion`, `triggers`, `intro`, `disclaimer`, `facts`. */
export function parseFactsFile(file: string, source: string, problems: KnowledgeProblem[]): Omit<EligibilityRules, "benefits"> | undefined {
  const y = readYaml(file, source, problems);
  if (!y) return undefined;
  const { map, lineOf } = y;
  const report: Report = (line, message, fix) => problems.push({ file, ...(line === undefined ? {} : { line }), message, fix });
  checkSchemaVersion(map, report, lineOf);
  const triggers = textList(entry(map, "triggers")?.value, report, lineOf, "triggers");
  if (triggers.length === 0) report(1, "no `triggers`", "list the phrases that start the check, e.g. `triggers:` then `  - 政策计算器`");
  const intro = text(entry(map, "intro")?.value);
  const disclaimer = text(entry(map, "disclaimer")?.value);
  const extra = { ...(intro ? { intro } : {}), ...(disclaimer ? { disclaimer } : {}) };
  const factsNode = entry(map, "facts")?.value;
  const facts: FactDef[] = [];
  if (!isSeq(factsNode)) {
    report(lineOf(entry(map, "facts")?.key) ?? 1, "`facts` must be a list of facts", "write `facts:` then one `  - id: …` block per fact");
    return { facts, triggers, ...extra };
  }
  const seen = new Map<string, number>();
  for (const node of factsNode.items) {
    const line = lineOf(node) ?? 1;
    if (!isMap(node)) {
      report(line, "a fact must be a set of fields (`id`, `type`, `question` …)", "indent the fields of the fact under its `- id: …` line");
      continue;
    }
    const id = text(entry(node, "id")?.value);
    if (!id || !ID.test(id)) {
      report(line, `fact id "${id ?? ""}" is missing or not made of a-z, 0-9, _ and -`, "give the fact an id such as `talent_class`");
      continue;
    }
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      report(line, `fact "${id}" is already declared on line ${earlier}`, "declare each fact once");
      continue;
    }
    seen.set(id, line);
    const type = text(entry(node, "type")?.value);
    if (type !== "enum" && type !== "number" && type !== "boolean") {
      report(lineOf(entry(node, "type")?.value) ?? line, `fact "${id}" has type "${type ?? ""}"`, "use `type: enum` (listed choices), `type: number` or `type: boolean` (是/否)");
      continue;
    }
    const question = text(entry(node, "question")?.value);
    if (!question) report(line, `fact "${id}" has no \`question\``, "add `question:` with what the bot asks");
    const name = text(entry(node, "name")?.value) ?? id;
    const fact: FactDef = { id, name, type, question: question ?? id, choices: [], line };
    if (type === "enum") {
      const choicesNode = entry(node, "choices")?.value;
      if (!isSeq(choicesNode) || choicesNode.items.length < 2) {
        report(lineOf(choicesNode) ?? line, `enum fact "${id}" needs at least two \`choices\``, "list them as `  - { value: a, label: … }`");
      } else {
        const values = new Set<string>();
        for (const c of choicesNode.items) {
          const value = isMap(c) ? text(entry(c, "value")?.value) : undefined;
          const label = isMap(c) ? text(entry(c, "label")?.value) : undefined;
          if (!isMap(c) || !value || !label) {
            report(lineOf(c) ?? line, `a choice of "${id}" lacks \`value\` or \`label\``, "write each choice as `- { value: a, label: 显示的文字 }`");
            continue;
          }
          if (values.has(value)) {
            report(lineOf(c) ?? line, `choice value "${value}" of "${id}" is listed twice`, "give every choice its own value");
            continue;
          }
          values.add(value);
          fact.choices.push({ value, label, aliases: textList(entry(c, "aliases")?.value, report, lineOf, "aliases") });
        }
      }
    } else if (type === "boolean") {
      fact.choices = [
        { value: "true", label: text(entry(node, "yes")?.value) ?? "是", aliases: [] },
        { value: "false", label: text(entry(node, "no")?.value) ?? "否", aliases: [] },
      ];
    } else {
      const unit = text(entry(node, "unit")?.value);
      if (unit) fact.unit = unit;
      for (const bound of ["min", "max"] as const) {
        const e = entry(node, bound);
        if (!e) continue;
        const v = scalar(e.value);
        if (typeof v !== "number" || !Number.isFinite(v)) report(lineOf(e.key), `\`${bound}\` of "${id}" must be a number`, `write e.g. \`${bound}: 0\``);
        else fact[bound] = v;
      }
      if (fact.min !== undefined && fact.max !== undefined && fact.min > fact.max) report(line, `fact "${id}" has min ${fact.min} above max ${fact.max}`, "swap or correct the bounds");
    }
    facts.push(fact);
  }
  return { facts, triggers, ...extra };
}

/** A benefits file: `schemaVersion`, `sample`, `benefits` (each `id`, `title`, `summary`, `source`, `when`). */
export function parseBenefitsFile(file: string, source: string, facts: ReadonlyMap<string, FactDef>, problems: KnowledgeProblem[]): Benefit[] {
  const y = readYaml(file, source, problems);
  if (!y) return [];
  const { map, deref } = y;
  const lineOf = (node: unknown) => y.lineOf(deref(node));
  const report: Report = (line, message, fix) => problems.push({ file, ...(line === undefined ? {} : { line }), message, fix });
  checkSchemaVersion(map, report, lineOf);
  const sampleValue = scalar(entry(map, "sample")?.value);
  const sample = sampleValue === true;
  const list = entry(map, "benefits")?.value;
  if (!isSeq(list)) {
    report(lineOf(entry(map, "benefits")?.key) ?? 1, "`benefits` must be a list", "write `benefits:` then one `  - id: …` block per benefit");
    return [];
  }
  const benefits: Benefit[] = [];
  for (const node of list.items) {
    const line = lineOf(node) ?? 1;
    if (!isMap(node)) {
      report(line, "a benefit must be a set of fields (`id`, `title`, `source`, `when`)", "indent its fields under `- id: …`");
      continue;
    }
    const id = text(entry(node, "id")?.value);
    if (!id || !ID.test(id)) {
      report(line, `benefit id "${id ?? ""}" is missing or not made of a-z, 0-9, _ and -`, "give the benefit an id such as `housing-subsidy`");
      continue;
    }
    const title = text(entry(node, "title")?.value);
    if (!title) report(line, `benefit "${id}" has no \`title\``, "add `title:` as the user should read it");
    const summary = text(entry(node, "summary")?.value);
    const sourceNode = entry(node, "source")?.value;
    const doc = isMap(sourceNode) ? text(entry(sourceNode, "doc")?.value) : undefined;
    const article = isMap(sourceNode) ? text(entry(sourceNode, "article")?.value) : undefined;
    if (!doc) report(lineOf(sourceNode) ?? line, `benefit "${id}" has no \`source\` document`, "add `source:` with `doc:` (a file in policies/) and `article:` (e.g. 第四条)");
    const whenEntry = entry(node, "when");
    if (!whenEntry) {
      report(line, `benefit "${id}" has no \`when\` condition`, "add `when:` with the conditions (see DESIGN.md, Eligibility check)");
      continue;
    }
    const when = parseCondition(whenEntry.value, facts, report, lineOf, line, deref);
    if (!when) continue;
    benefits.push({ id, title: title ?? id, ...(summary ? { summary } : {}), source: { doc: doc ?? "", ...(article ? { article } : {}) }, when, sample, file, line });
  }
  return benefits;
}

function parseCondition(aliasOrNode: unknown, facts: ReadonlyMap<string, FactDef>, report: Report, lineOf: (n: unknown) => number | undefined, fallbackLine: number, deref: (n: unknown) => unknown): Condition | undefined {
  const node = deref(aliasOrNode);
  const line = lineOf(node) ?? fallbackLine;
  if (!isMap(node)) {
    report(line, "a condition must be `all:`, `any:`, `not:` or `fact:` with a comparison", "see the examples in DESIGN.md (Eligibility check)");
    return undefined;
  }
  const label = text(entry(node, "label")?.value);
  const withLabel = <T extends object>(c: T): T => (label ? { ...c, label } : c);
  for (const kind of ["all", "any"] as const) {
    const e = entry(node, kind);
    if (!e) continue;
    if (!isSeq(e.value) || e.value.items.length === 0) {
      report(lineOf(e.key) ?? line, `\`${kind}\` needs a list of at least one condition`, `write \`${kind}:\` then \`  - …\` lines`);
      return undefined;
    }
    const items = e.value.items.map((item) => parseCondition(item, facts, report, lineOf, line, deref));
    if (items.some((i) => i === undefined)) return undefined;
    return withLabel({ kind, items: items as Condition[], line });
  }
  const not = entry(node, "not");
  if (not) {
    const item = parseCondition(not.value, facts, report, lineOf, line, deref);
    return item ? withLabel({ kind: "not" as const, item, line }) : undefined;
  }
  const factId = text(entry(node, "fact")?.value);
  if (!factId) {
    report(line, "a condition must be `all:`, `any:`, `not:` or `fact:` with a comparison", "see the examples in DESIGN.md (Eligibility check)");
    return undefined;
  }
  const fact = facts.get(factId);
  if (!fact) {
    report(line, `unknown fact "${factId}"`, `declare it in ${FACTS_FILE}, or use one of: ${[...facts.keys()].join(", ")}`);
    return undefined;
  }
  const ops = COMPARE_OPS.filter((op) => entry(node, op) !== undefined);
  if (ops.length !== 1) {
    report(line, `the condition on "${factId}" needs exactly one of ${COMPARE_OPS.map((o) => `\`${o}\``).join(", ")}`, fact.type === "number" ? "write e.g. `{ fact: age, atMost: 35 }`" : `write e.g. \`{ fact: ${factId}, is: ${fact.choices[0]?.value ?? "…"} }\``);
    return undefined;
  }
  const op = ops[0]!;
  const raw = entry(node, op)!.value;
  const allowed = fact.choices.map((c) => c.value);
  const checkChoice = (v: unknown): string | undefined => {
    const s = typeof v === "boolean" ? String(v) : typeof v === "number" ? String(v) : typeof v === "string" ? v : undefined;
    if (s === undefined || !allowed.includes(s)) {
      report(line, `"${String(v)}" is not a value of fact "${factId}"`, `use one of: ${allowed.join(", ")}`);
      return undefined;
    }
    return s;
  };
  if (op === "atLeast" || op === "atMost") {
    const v = scalar(raw);
    if (fact.type !== "number") {
      report(line, `\`${op}\` compares numbers, but "${factId}" is ${fact.type === "enum" ? "a list of choices" : "yes/no"}`, `use \`is:\` or \`in:\``);
      return undefined;
    }
    if (typeof v !== "number") {
      report(line, `\`${op}\` of "${factId}" must be a number`, `write e.g. \`${op}: 5\``);
      return undefined;
    }
    if ((fact.min !== undefined && v < fact.min) || (fact.max !== undefined && v > fact.max)) {
      report(line, `${v} is outside what "${factId}" can be (${fact.min ?? "…"}–${fact.max ?? "…"})`, "correct the number or the fact's min/max");
      return undefined;
    }
    return withLabel({ kind: "compare" as const, fact: factId, op, value: v, line });
  }
  if (fact.type === "number") {
    report(line, `"${factId}" is a number: compare it with \`atLeast\` or \`atMost\``, "write e.g. `{ fact: age, atMost: 35 }`");
    return undefined;
  }
  if (op === "is") {
    const v = checkChoice(scalar(raw));
    return v === undefined ? undefined : withLabel({ kind: "compare" as const, fact: factId, op, value: fact.type === "boolean" ? v === "true" : v, line });
  }
  if (!isSeq(raw) || raw.items.length === 0) {
    report(line, `\`in\` of "${factId}" must be a list of values`, "write e.g. `in: [A, B, C]`");
    return undefined;
  }
  const values = raw.items.map((i) => checkChoice(scalar(i)));
  if (values.some((v) => v === undefined)) return undefined;
  return withLabel({ kind: "compare" as const, fact: factId, op, value: values as string[], line });
}

/**
 * Cross-checks of the rules against the rest of the knowledge base: a benefit's source must be
 * an existing document and article; ids unique; no condition may be contradictory (never true)
 * and no `any` branch unreachable; a trigger must not also be an FAQ phrasing (it would never
 * reach the FAQ).
 */
export function checkEligibility(rules: EligibilityRules, policies: readonly PolicyDoc[], faqPhrasings: ReadonlyMap<string, string>, keyOf: (text: string) => string, problems: KnowledgeProblem[]): void {
  const docs = new Map(policies.map((p) => [p.id, p]));
  const seen = new Map<string, Benefit>();
  const facts = new Map(rules.facts.map((f) => [f.id, f]));
  for (const b of rules.benefits) {
    const at = { file: b.file, line: b.line };
    const other = seen.get(b.id);
    if (other) problems.push({ ...at, message: `benefit id "${b.id}" is already used in ${other.file}:${other.line}`, fix: "give every benefit its own id" });
    else seen.set(b.id, b);
    const doc = docs.get(b.source.doc);
    if (b.source.doc && !doc) {
      problems.push({ ...at, message: `source names document "${b.source.doc}", which does not exist`, fix: `use one of: ${[...docs.keys()].join(", ") || "(no documents in policies/)"}` });
    } else if (doc && b.source.article && !doc.articles.some((a) => a.key === b.source.article)) {
      problems.push({ ...at, message: `source names article "${b.source.article}", which is not in ${doc.file}`, fix: `use a heading key of that document, e.g. ${doc.articles.slice(0, 3).map((a) => a.key).join(", ")}` });
    }
    if (!satisfiable(b.when, facts)) {
      problems.push({ file: b.file, line: b.when.line, message: `the conditions of "${b.id}" contradict each other: nobody can ever qualify`, fix: "check the numbers and values under `when:` (e.g. atLeast above atMost, a fact required to be two different values)" });
    } else {
      for (const branch of unreachableBranches(b.when, [], facts)) {
        problems.push({ file: b.file, line: branch.line, message: `this branch of an \`any\` in "${b.id}" can never be true (on its own or together with the conditions it sits under)`, fix: "remove the branch or correct its contradicting conditions" });
      }
    }
  }
  const triggerSeen = new Set<string>();
  for (const t of rules.triggers) {
    const key = keyOf(t);
    const faq = faqPhrasings.get(key);
    if (faq) problems.push({ file: FACTS_FILE, message: `trigger "${t}" is also a question or alternate of ${faq}: that FAQ could never be reached with it`, fix: "remove the phrase from the FAQ or from `triggers`" });
    if (triggerSeen.has(key)) problems.push({ file: FACTS_FILE, message: `trigger "${t}" is listed twice`, fix: "keep each trigger once" });
    triggerSeen.add(key);
  }
}

/** `any` branches that no assignment makes true together with the `all` conditions around them. */
function unreachableBranches(c: Condition, context: Condition[], facts: ReadonlyMap<string, FactDef>): Condition[] {
  if (c.kind === "compare") return [];
  // Under a `not` the surrounding conditions turn around; its inside is checked on its own.
  if (c.kind === "not") return unreachableBranches(c.item, [], facts);
  if (c.kind === "all") return c.items.flatMap((item) => unreachableBranches(item, [...context, ...c.items.filter((o) => o !== item)], facts));
  return c.items.flatMap((branch) =>
    satisfiable({ kind: "all", items: [...context, branch], line: branch.line }, facts) ? unreachableBranches(branch, context, facts) : [branch],
  );
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

function domainOf(id: string, c: Condition, fact: FactDef): FactValue[] {
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

/** Reads `eligibility/` (absent: no check offered). Problems are collected, not thrown. */
export async function readEligibility(dir: string, problems: KnowledgeProblem[]): Promise<EligibilityRules | undefined> {
  const files = await listFiles(join(dir, ELIGIBILITY_DIR), ".yaml");
  if (files.length === 0) return undefined;
  const factsText = await readText(join(dir, FACTS_FILE));
  if (factsText === undefined) {
    problems.push({ file: `${ELIGIBILITY_DIR}/`, message: `benefit files without ${FACTS_FILE}`, fix: `create ${FACTS_FILE} declaring the facts the benefits use (see DESIGN.md, Eligibility check)` });
    return undefined;
  }
  const parsed = parseFactsFile(FACTS_FILE, factsText, problems);
  if (!parsed) return undefined;
  const facts = new Map(parsed.facts.map((f) => [f.id, f]));
  const benefits: Benefit[] = [];
  for (const rel of files) {
    const file = `${ELIGIBILITY_DIR}/${rel}`;
    if (file === FACTS_FILE) continue;
    benefits.push(...parseBenefitsFile(file, (await readText(join(dir, file))) ?? "", facts, problems));
  }
  if (benefits.length === 0) problems.push({ file: `${ELIGIBILITY_DIR}/`, message: "no benefits found", fix: `add a file such as ${ELIGIBILITY_DIR}/benefits.yaml with \`benefits:\`, or remove the folder to turn the check off` });
  return { ...parsed, benefits };
}
