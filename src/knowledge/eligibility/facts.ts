/** `eligibility/facts.yaml`: the triggers, the wording and every fact the rules may ask about. */
import { isMap, isSeq } from "yaml";
import type { KnowledgeProblem } from "../errors.js";
import type { EligibilityRules, FactDef } from "./types.js";
import { ID, checkSchemaVersion, entry, readYaml, reporter, scalar, text, textList } from "./yaml.js";

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
        } else fact[bound] = v;
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
