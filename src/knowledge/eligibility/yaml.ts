/** Reading a rules file: the YAML document with line numbers, its scalar helpers, and the two-language problem reporter. */
import { isAlias, isMap, isScalar, isSeq, type Node, type YAMLMap } from "yaml";
import type { Bilingual, KnowledgeProblem } from "../errors.js";
import { parseYamlFile } from "../yaml-errors.js";
import { KNOWLEDGE_SCHEMA_VERSION } from "../types.js";

export const ID = /^[a-z0-9][a-z0-9_-]*$/;

/** Reports one problem of a rules file: English for the CLI and Chinese for the staff console, both required. */
export type Report = (line: number | undefined, message: Bilingual, fix: Bilingual) => void;

export function reporter(file: string, problems: KnowledgeProblem[]): Report {
  return (line, message, fix) => problems.push({ file, ...(line === undefined ? {} : { line }), message: message.en, fix: fix.en, zh: { message: message.zh, fix: fix.zh } });
}

/** Where staff read how the rules are written (Chinese). */
export const HOW_TO_ZH = "docs/staff.md 中“政策计算器：工作人员如何编辑规则”一节";

/** `a`、`b`、`c`: things to type, for a Chinese list. */
export const codes = (items: readonly string[]): string => items.map((i) => `\`${i}\``).join("、");

/** Parses one YAML file into its top-level map and a way to find lines; a syntax problem is reported. */
export function readYaml(file: string, source: string, problems: KnowledgeProblem[]): { map: YAMLMap; lineOf: (node: unknown) => number | undefined; deref: (node: unknown) => unknown } | undefined {
  const parsed = parseYamlFile(file, source, problems, { en: "fix the YAML syntax (indentation, `key: value`, `- ` before each list item)", zh: "，列表的每一项是否以 `- ` 开头" });
  if (!parsed) return undefined;
  const { doc, lineCounter } = parsed;
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

export function entry(map: YAMLMap, key: string): { key: unknown; value: unknown } | undefined {
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
  return pair ? { key: pair.key, value: pair.value } : undefined;
}

export function scalar(node: unknown): unknown {
  return isScalar(node) ? node.value : undefined;
}

export function text(node: unknown): string | undefined {
  const v = scalar(node);
  if (typeof v === "number") return String(v);
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

export function checkSchemaVersion(map: YAMLMap, report: Report, lineOf: (n: unknown) => number | undefined): void {
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

export function textList(node: unknown, report: Report, lineOf: (n: unknown) => number | undefined, what: string): string[] {
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
    if (t === undefined)
      report(
        lineOf(item),
        { en: `an item of \`${what}\` is empty or not text`, zh: `\`${what}\` 中有一项是空的或不是文字` },
        { en: "write text after `- `", zh: "在 `- ` 后面写上文字，或删掉这一项" },
      );
    else out.push(t);
  }
  return out;
}
