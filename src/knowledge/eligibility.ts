import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Node, type YAMLMap } from "yaml";
import { join } from "node:path";
import type { Bilingual, KnowledgeProblem } from "./errors.js";
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

/** Reports one problem of a rules file: English for the CLI and Chinese for the staff console, both required. */
type Report = (line: number | undefined, message: Bilingual, fix: Bilingual) => void;

function reporter(file: string, problems: KnowledgeProblem[]): Report {
  return (line, message, fix) =>
    problems.push({ file, ...(line === undefined ? {} : { line }), message: message.en, fix: fix.en, zh: { message: message.zh, fix: fix.zh } });
}

/** Where staff read how the rules are written (Chinese). */
const HOW_TO_ZH = "docs/staff.md 中“政策计算器：工作人员如何编辑规则”一节";

/** `a`、`b`、`c`: things to type, for a Chinese list. */
const codes = (items: readonly string[]): string => items.map((i) => `\`${i}\``).join("、");

/** Parses one YAML file into its top-level map and a way to find lines; a syntax problem is reported. */
function readYaml(file: string, source: string, problems: KnowledgeProblem[]): { map: YAMLMap; lineOf: (node: unknown) => number | undefined; deref: (node: unknown) => unknown } | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    problems.push({
      file,
      line: lineCounter.linePos(err.pos[0]).line,
      message: `invalid YAML: ${err.message.split("\n")[0]}`,
      fix: "fix the YAML syntax (indentation, `key: value`, `- ` before each list item)",
      zh: {
        message: "这一行附近的写法有误，机器人读不懂",
        fix: "检查缩进是否对齐，每项是否写成 `字段名: 内容`（英文冒号后加一个空格），列表的每一项是否以 `- ` 开头",
      },
    });
    return undefined;
  }
  if (!isMap(doc.contents)) {
    problems.push({
      file,
      line: 1,
      message: "the file is not a set of `key: value` fields",
      fix: "start with `schemaVersion: 1` (see DESIGN.md, Eligibility check)",
      zh: { message: "这个文件应该是一行一项的 `字段名: 内容`", fix: `第一行写 \`schemaVersion: ${KNOWLEDGE_SCHEMA_VERSION}\`，其余各项的写法见 ${HOW_TO_ZH}` },
    });
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
  if (!e) {
    report(
      1,
      { en: "missing `schemaVersion`", zh: "缺少 `schemaVersion`" },
      { en: `add the line \`schemaVersion: ${KNOWLEDGE_SCHEMA_VERSION}\``, zh: `在文件第一行加上 \`schemaVersion: ${KNOWLEDGE_SCHEMA_VERSION}\`` },
    );
    return;
  }
  const v = scalar(e.value);
  if (v !== KNOWLEDGE_SCHEMA_VERSION) {
    report(
      lineOf(e.key),
      {
        en: `schemaVersion ${String(v)} is not supported (this talentbot reads ${KNOWLEDGE_SCHEMA_VERSION})`,
        zh: `\`schemaVersion\` 写的是 ${String(v)}，本系统只能读取版本 ${KNOWLEDGE_SCHEMA_VERSION}`,
      },
      { en: "convert the file or use a matching talentbot version", zh: `改回 \`schemaVersion: ${KNOWLEDGE_SCHEMA_VERSION}\`；如果文件确实是新版本的格式，请系统管理员转换文件或更新机器人程序` },
    );
  }
}

function textList(node: unknown, report: Report, lineOf: (n: unknown) => number | undefined, what: string): string[] {
  if (node === undefined || node === null || scalar(node) === null) return [];
  if (!isSeq(node)) {
    report(
      lineOf(node),
      { en: `\`${what}\` must be a list`, zh: `\`${what}\` 应该是列表` },
      { en: `write each item on its own line as \`  - …\``, zh: `在 \`${what}:\` 下面每项写一行，写成 \`  - …\`；也可以写在一行里，例如 \`${what}: [甲, 乙]\`` },
    );
    return [];
  }
  const out: string[] = [];
  for (const item of node.items) {
    const t = text(item);
    if (t === undefined) report(lineOf(item), { en: `an item of \`${what}\` is empty or not text`, zh: `\`${what}\` 中有一项是空的或不是文字` }, { en: "write text after `- `", zh: "在 `- ` 后面写上文字，或删掉这一项" });
    else out.push(t);
  }
  return out;
}

/** facts.yaml: `schemaVersion`, `triggers`, `intro`, `disclaimer`, `facts`. */
export function parseFactsFile(file: string, source: string, problems: KnowledgeProblem[]): Omit<EligibilityRules, "benefits"> | undefined {
  const y = readYaml(file, source, problems);
  if (!y) return undefined;
  const { map, lineOf } = y;
  const report = reporter(file, problems);
  checkSchemaVersion(map, report, lineOf);
  const triggers = textList(entry(map, "triggers")?.value, report, lineOf, "triggers");
  if (triggers.length === 0) {
    report(
      1,
      { en: "no `triggers`", zh: "没有 `triggers`：用户发什么话都不会开始政策计算器" },
      { en: "list the phrases that start the check, e.g. `triggers:` then `  - 政策计算器`", zh: "加一行 `triggers:`，下面每行写一句开始计算的话，例如 `  - 政策计算器`" },
    );
  }
  const intro = text(entry(map, "intro")?.value);
  const disclaimer = text(entry(map, "disclaimer")?.value);
  const extra = { ...(intro ? { intro } : {}), ...(disclaimer ? { disclaimer } : {}) };
  const factsNode = entry(map, "facts")?.value;
  const facts: FactDef[] = [];
  if (!isSeq(factsNode)) {
    report(
      lineOf(entry(map, "facts")?.key) ?? 1,
      { en: "`facts` must be a list of facts", zh: "`facts` 应该是事实（计算器可能问到的问题）的列表" },
      { en: "write `facts:` then one `  - id: …` block per fact", zh: "写一行 `facts:`，下面每个事实以一行 `  - id: …` 开头" },
    );
    return { facts, triggers, ...extra };
  }
  const seen = new Map<string, number>();
  for (const node of factsNode.items) {
    const line = lineOf(node) ?? 1;
    if (!isMap(node)) {
      report(
        line,
        { en: "a fact must be a set of fields (`id`, `type`, `question` …)", zh: "每个事实应该由几项字段组成（`id`、`type`、`question` 等）" },
        { en: "indent the fields of the fact under its `- id: …` line", zh: "把这个事实的各项字段缩进写在它的 `- id: …` 这一行下面" },
      );
      continue;
    }
    const id = text(entry(node, "id")?.value);
    if (!id || !ID.test(id)) {
      report(
        line,
        { en: `fact id "${id ?? ""}" is missing or not made of a-z, 0-9, _ and -`, zh: id ? `事实编号 \`${id}\` 只能用小写字母、数字、_ 和 -` : "这个事实缺少编号 `id`" },
        { en: "give the fact an id such as `talent_class`", zh: "给事实起一个编号，只用小写字母、数字、_ 和 -，例如 `id: talent_class`" },
      );
      continue;
    }
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      report(
        line,
        { en: `fact "${id}" is already declared on line ${earlier}`, zh: `事实 \`${id}\` 在第 ${earlier} 行已经写过` },
        { en: "declare each fact once", zh: "每个事实只写一次：删掉重复的一处，或给它换一个编号" },
      );
      continue;
    }
    seen.set(id, line);
    const type = text(entry(node, "type")?.value);
    if (type !== "enum" && type !== "number" && type !== "boolean") {
      report(
        lineOf(entry(node, "type")?.value) ?? line,
        { en: `fact "${id}" has type "${type ?? ""}"`, zh: type ? `事实 \`${id}\` 的 \`type\` 写的是“${type}”，无法识别` : `事实 \`${id}\` 缺少 \`type\`` },
        { en: "use `type: enum` (listed choices), `type: number` or `type: boolean` (是/否)", zh: "写成 `type: enum`（列出选项）、`type: number`（数字）或 `type: boolean`（是/否）" },
      );
      continue;
    }
    const question = text(entry(node, "question")?.value);
    if (!question) {
      report(
        line,
        { en: `fact "${id}" has no \`question\``, zh: `事实 \`${id}\` 缺少 \`question\`` },
        { en: "add `question:` with what the bot asks", zh: "加一行 `question:`，写上计算器要问用户的问题" },
      );
    }
    const name = text(entry(node, "name")?.value) ?? id;
    const fact: FactDef = { id, name, type, question: question ?? id, choices: [], line };
    if (type === "enum") {
      const choicesNode = entry(node, "choices")?.value;
      if (!isSeq(choicesNode) || choicesNode.items.length < 2) {
        report(
          lineOf(choicesNode) ?? line,
          { en: `enum fact "${id}" needs at least two \`choices\``, zh: `事实 \`${id}\` 是选项类（\`type: enum\`），\`choices\` 至少要有两个选项` },
          { en: "list them as `  - { value: a, label: … }`", zh: "在 `choices:` 下面每个选项写一行，例如 `  - { value: a, label: 显示的文字 }`" },
        );
      } else {
        const values = new Set<string>();
        for (const c of choicesNode.items) {
          const value = isMap(c) ? text(entry(c, "value")?.value) : undefined;
          const label = isMap(c) ? text(entry(c, "label")?.value) : undefined;
          if (!isMap(c) || !value || !label) {
            report(
              lineOf(c) ?? line,
              { en: `a choice of "${id}" lacks \`value\` or \`label\``, zh: `事实 \`${id}\` 有一个选项缺少 \`value\` 或 \`label\`` },
              { en: "write each choice as `- { value: a, label: 显示的文字 }`", zh: "每个选项写成 `- { value: a, label: 显示的文字 }`" },
            );
            continue;
          }
          if (values.has(value)) {
            report(
              lineOf(c) ?? line,
              { en: `choice value "${value}" of "${id}" is listed twice`, zh: `事实 \`${id}\` 的选项值“${value}”出现了两次` },
              { en: "give every choice its own value", zh: "每个选项的 `value` 都要不同" },
            );
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
        if (typeof v !== "number" || !Number.isFinite(v)) {
          report(
            lineOf(e.key),
            { en: `\`${bound}\` of "${id}" must be a number`, zh: `事实 \`${id}\` 的 \`${bound}\` 应该是数字` },
            { en: `write e.g. \`${bound}: 0\``, zh: `写成数字，例如 \`${bound}: 0\`` },
          );
        }
        else fact[bound] = v;
      }
      if (fact.min !== undefined && fact.max !== undefined && fact.min > fact.max) {
        report(
          line,
          { en: `fact "${id}" has min ${fact.min} above max ${fact.max}`, zh: `事实 \`${id}\` 的最小值 \`min: ${fact.min}\` 比最大值 \`max: ${fact.max}\` 还大` },
          { en: "swap or correct the bounds", zh: "检查 `min` 和 `max`：是不是写反了，或者有一个数字写错了" },
        );
      }
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
  const report = reporter(file, problems);
  checkSchemaVersion(map, report, lineOf);
  const sampleValue = scalar(entry(map, "sample")?.value);
  const sample = sampleValue === true;
  const list = entry(map, "benefits")?.value;
  if (!isSeq(list)) {
    report(
      lineOf(entry(map, "benefits")?.key) ?? 1,
      { en: "`benefits` must be a list", zh: "`benefits` 应该是待遇的列表" },
      { en: "write `benefits:` then one `  - id: …` block per benefit", zh: "写一行 `benefits:`，下面每项待遇以一行 `  - id: …` 开头" },
    );
    return [];
  }
  const benefits: Benefit[] = [];
  for (const node of list.items) {
    const line = lineOf(node) ?? 1;
    if (!isMap(node)) {
      report(
        line,
        { en: "a benefit must be a set of fields (`id`, `title`, `source`, `when`)", zh: "每项待遇应该由几项字段组成（`id`、`title`、`source`、`when`）" },
        { en: "indent its fields under `- id: …`", zh: "把这项待遇的各项字段缩进写在它的 `- id: …` 这一行下面" },
      );
      continue;
    }
    const id = text(entry(node, "id")?.value);
    if (!id || !ID.test(id)) {
      report(
        line,
        { en: `benefit id "${id ?? ""}" is missing or not made of a-z, 0-9, _ and -`, zh: id ? `待遇编号 \`${id}\` 只能用小写字母、数字、_ 和 -` : "这项待遇缺少编号 `id`" },
        { en: "give the benefit an id such as `housing-subsidy`", zh: "给待遇起一个编号，只用小写字母、数字、_ 和 -，例如 `id: housing-subsidy`" },
      );
      continue;
    }
    const title = text(entry(node, "title")?.value);
    if (!title) {
      report(
        line,
        { en: `benefit "${id}" has no \`title\``, zh: `待遇 \`${id}\` 缺少 \`title\`` },
        { en: "add `title:` as the user should read it", zh: "加一行 `title:`，写上用户看到的待遇名称" },
      );
    }
    const summary = text(entry(node, "summary")?.value);
    const sourceNode = entry(node, "source")?.value;
    const doc = isMap(sourceNode) ? text(entry(sourceNode, "doc")?.value) : undefined;
    const article = isMap(sourceNode) ? text(entry(sourceNode, "article")?.value) : undefined;
    if (!doc) {
      report(
        lineOf(sourceNode) ?? line,
        { en: `benefit "${id}" has no \`source\` document`, zh: `待遇 \`${id}\` 没有写依据的政策文件（\`source\` 下面的 \`doc\`）` },
        {
          en: "add `source:` with `doc:` (a file in policies/) and `article:` (e.g. 第四条)",
          zh: "写成 `source: { doc: …, article: … }`：`doc` 是 `policies/` 下的政策文件编号，`article` 是条款标题，例如“第四条”",
        },
      );
    }
    const whenEntry = entry(node, "when");
    if (!whenEntry) {
      report(
        line,
        { en: `benefit "${id}" has no \`when\` condition`, zh: `待遇 \`${id}\` 没有写享受条件 \`when\`` },
        { en: "add `when:` with the conditions (see DESIGN.md, Eligibility check)", zh: `加上 \`when:\`，在下面写享受条件（写法见 ${HOW_TO_ZH}）` },
      );
      continue;
    }
    const when = parseCondition(whenEntry.value, facts, report, lineOf, line, deref);
    if (!when) continue;
    benefits.push({ id, title: title ?? id, ...(summary ? { summary } : {}), source: { doc: doc ?? "", ...(article ? { article } : {}) }, when, sample, file, line });
  }
  return benefits;
}

const NOT_A_CONDITION: Bilingual = {
  en: "a condition must be `all:`, `any:`, `not:` or `fact:` with a comparison",
  zh: "这里的条件写法不对：应该是 `all:`（全部满足）、`any:`（满足其一）、`not:`（不满足），或者 `fact:` 加一个比较",
};
const NOT_A_CONDITION_FIX: Bilingual = {
  en: "see the examples in DESIGN.md (Eligibility check)",
  zh: `参照 ${HOW_TO_ZH}的例子，例如 \`{ fact: age, atMost: 35 }\``,
};

function parseCondition(aliasOrNode: unknown, facts: ReadonlyMap<string, FactDef>, report: Report, lineOf: (n: unknown) => number | undefined, fallbackLine: number, deref: (n: unknown) => unknown): Condition | undefined {
  const node = deref(aliasOrNode);
  const line = lineOf(node) ?? fallbackLine;
  if (!isMap(node)) {
    report(line, NOT_A_CONDITION, NOT_A_CONDITION_FIX);
    return undefined;
  }
  const label = text(entry(node, "label")?.value);
  const withLabel = <T extends object>(c: T): T => (label ? { ...c, label } : c);
  for (const kind of ["all", "any"] as const) {
    const e = entry(node, kind);
    if (!e) continue;
    if (!isSeq(e.value) || e.value.items.length === 0) {
      report(
        lineOf(e.key) ?? line,
        { en: `\`${kind}\` needs a list of at least one condition`, zh: `\`${kind}\` 下面至少要有一个条件` },
        { en: `write \`${kind}:\` then \`  - …\` lines`, zh: `在 \`${kind}:\` 下面每个条件写一行，写成 \`  - …\`` },
      );
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
    report(line, NOT_A_CONDITION, NOT_A_CONDITION_FIX);
    return undefined;
  }
  const fact = facts.get(factId);
  if (!fact) {
    const known = [...facts.keys()];
    report(
      line,
      { en: `unknown fact "${factId}"`, zh: `条件里的事实 \`${factId}\` 没有在 \`${FACTS_FILE}\` 中写过` },
      {
        en: `declare it in ${FACTS_FILE}, or use one of: ${known.join(", ")}`,
        zh: known.length > 0 ? `在 \`${FACTS_FILE}\` 中加上这个事实，或改用已有的事实：${codes(known)}` : `先在 \`${FACTS_FILE}\` 的 \`facts:\` 下面加上这个事实`,
      },
    );
    return undefined;
  }
  const ops = COMPARE_OPS.filter((op) => entry(node, op) !== undefined);
  if (ops.length !== 1) {
    const example = fact.type === "number" ? `{ fact: ${factId}, atMost: 35 }` : `{ fact: ${factId}, is: ${fact.choices[0]?.value ?? "…"} }`;
    report(
      line,
      {
        en: `the condition on "${factId}" needs exactly one of ${COMPARE_OPS.map((o) => `\`${o}\``).join(", ")}`,
        zh: `关于事实 \`${factId}\` 的条件要写一个比较，而且只能写一个：\`is\`（等于）、\`in\`（是其中之一）、\`atLeast\`（不少于）或 \`atMost\`（不超过）`,
      },
      { en: fact.type === "number" ? "write e.g. `{ fact: age, atMost: 35 }`" : `write e.g. \`${example}\``, zh: `写成例如 \`${example}\`` },
    );
    return undefined;
  }
  const op = ops[0]!;
  const raw = entry(node, op)!.value;
  const allowed = fact.choices.map((c) => c.value);
  const checkChoice = (v: unknown): string | undefined => {
    const s = typeof v === "boolean" ? String(v) : typeof v === "number" ? String(v) : typeof v === "string" ? v : undefined;
    if (s === undefined || !allowed.includes(s)) {
      report(
        line,
        { en: `"${String(v)}" is not a value of fact "${factId}"`, zh: `“${String(v)}”不是事实 \`${factId}\` 的选项值` },
        { en: `use one of: ${allowed.join(", ")}`, zh: `改用下列之一：${codes(allowed)}` },
      );
      return undefined;
    }
    return s;
  };
  if (op === "atLeast" || op === "atMost") {
    const v = scalar(raw);
    if (fact.type !== "number") {
      report(
        line,
        {
          en: `\`${op}\` compares numbers, but "${factId}" is ${fact.type === "enum" ? "a list of choices" : "yes/no"}`,
          zh: `\`${op}\` 只能比较数字，而事实 \`${factId}\` ${fact.type === "enum" ? "是从选项里选一个（`type: enum`）" : "只分是/否（`type: boolean`）"}`,
        },
        { en: `use \`is:\` or \`in:\``, zh: "改用 `is:`（等于某个选项）或 `in:`（是其中之一）" },
      );
      return undefined;
    }
    if (typeof v !== "number") {
      report(
        line,
        { en: `\`${op}\` of "${factId}" must be a number`, zh: `事实 \`${factId}\` 的 \`${op}\` 后面应该是数字` },
        { en: `write e.g. \`${op}: 5\``, zh: `写成数字，例如 \`${op}: 5\`` },
      );
      return undefined;
    }
    if ((fact.min !== undefined && v < fact.min) || (fact.max !== undefined && v > fact.max)) {
      report(
        line,
        { en: `${v} is outside what "${factId}" can be (${fact.min ?? "…"}–${fact.max ?? "…"})`, zh: `“${v}”超出了事实 \`${factId}\` 的取值范围（${fact.min ?? "…"}–${fact.max ?? "…"}）` },
        { en: "correct the number or the fact's min/max", zh: `改正这个数字，或改正这个事实在 \`${FACTS_FILE}\` 中的 \`min\` / \`max\`` },
      );
      return undefined;
    }
    return withLabel({ kind: "compare" as const, fact: factId, op, value: v, line });
  }
  if (fact.type === "number") {
    report(
      line,
      { en: `"${factId}" is a number: compare it with \`atLeast\` or \`atMost\``, zh: `事实 \`${factId}\` 是数字，只能用 \`atLeast\`（不少于）或 \`atMost\`（不超过）比较` },
      { en: "write e.g. `{ fact: age, atMost: 35 }`", zh: `写成例如 \`{ fact: ${factId}, atMost: 35 }\`` },
    );
    return undefined;
  }
  if (op === "is") {
    const v = checkChoice(scalar(raw));
    return v === undefined ? undefined : withLabel({ kind: "compare" as const, fact: factId, op, value: fact.type === "boolean" ? v === "true" : v, line });
  }
  if (!isSeq(raw) || raw.items.length === 0) {
    report(
      line,
      { en: `\`in\` of "${factId}" must be a list of values`, zh: `事实 \`${factId}\` 的 \`in\` 后面应该是几个选项值的列表` },
      { en: "write e.g. `in: [A, B, C]`", zh: `写成例如 \`in: [${allowed.slice(0, 2).join(", ")}]\`` },
    );
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
    if (other) {
      problems.push({
        ...at,
        message: `benefit id "${b.id}" is already used in ${other.file}:${other.line}`,
        fix: "give every benefit its own id",
        zh: { message: `待遇编号 \`${b.id}\` 已经在 ${other.file} 第 ${other.line} 行用过`, fix: "每项待遇的编号都要不同，给其中一项换一个编号" },
      });
    }
    else seen.set(b.id, b);
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
    problems.push({
      file: `${ELIGIBILITY_DIR}/`,
      message: `benefit files without ${FACTS_FILE}`,
      fix: `create ${FACTS_FILE} declaring the facts the benefits use (see DESIGN.md, Eligibility check)`,
      zh: { message: `有待遇文件，但缺少 \`${FACTS_FILE}\``, fix: `新建 \`${FACTS_FILE}\`，写上待遇条件用到的事实（写法见 ${HOW_TO_ZH}）` },
    });
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
  if (benefits.length === 0) {
    problems.push({
      file: `${ELIGIBILITY_DIR}/`,
      message: "no benefits found",
      fix: `add a file such as ${ELIGIBILITY_DIR}/benefits.yaml with \`benefits:\`, or remove the folder to turn the check off`,
      zh: {
        message: "政策计算器一项待遇也没有",
        fix: `添加一个待遇文件，例如 \`${ELIGIBILITY_DIR}/benefits.yaml\`，在里面写 \`benefits:\`；不提供政策计算器的话，删掉 \`${ELIGIBILITY_DIR}/\` 文件夹`,
      },
    });
  }
  return { ...parsed, benefits };
}
