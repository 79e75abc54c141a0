/** Benefit files (`eligibility/*.yaml` other than facts.yaml) and the condition trees under `when:`. */
import { isMap, isSeq } from "yaml";
import type { Bilingual, KnowledgeProblem } from "../errors.js";
import { COMPARE_OPS, FACTS_FILE, type Benefit, type Condition, type FactDef } from "./types.js";
import { HOW_TO_ZH, ID, checkSchemaVersion, codes, entry, readYaml, reporter, scalar, text, type Report } from "./yaml.js";

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
      report(line, { en: `benefit "${id}" has no \`title\``, zh: `待遇 \`${id}\` 缺少 \`title\`` }, { en: "add `title:` as the user should read it", zh: "加一行 `title:`，写上用户看到的待遇名称" });
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

export const NOT_A_CONDITION: Bilingual = {
  en: "a condition must be `all:`, `any:`, `not:` or `fact:` with a comparison",
  zh: "这里的条件写法不对：应该是 `all:`（全部满足）、`any:`（满足其一）、`not:`（不满足），或者 `fact:` 加一个比较",
};
export const NOT_A_CONDITION_FIX: Bilingual = {
  en: "see the examples in DESIGN.md (Eligibility check)",
  zh: `参照 ${HOW_TO_ZH}的例子，例如 \`{ fact: age, atMost: 35 }\``,
};

export function parseCondition(
  aliasOrNode: unknown,
  facts: ReadonlyMap<string, FactDef>,
  report: Report,
  lineOf: (n: unknown) => number | undefined,
  fallbackLine: number,
  deref: (n: unknown) => unknown,
): Condition | undefined {
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
      report(line, { en: `\`${op}\` of "${factId}" must be a number`, zh: `事实 \`${factId}\` 的 \`${op}\` 后面应该是数字` }, { en: `write e.g. \`${op}: 5\``, zh: `写成数字，例如 \`${op}: 5\`` });
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
