import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document } from "yaml";
import type { Bilingual, KnowledgeProblem } from "./errors.js";

/**
 * The 1-based line a YAML syntax error is reported on, for the person who made it. yaml reports an
 * unclosed quote or bracket where it gave up, often the file's last line; the innermost
 * `key: value` whose value runs to that point is where the typo is, so its key's line is given.
 */
export function yamlErrorLine(doc: Document, lineCounter: LineCounter, errorOffset: number): number {
  return lineCounter.linePos(startOfBrokenField(doc.contents, errorOffset) ?? errorOffset).line;
}

function startOfBrokenField(node: unknown, offset: number): number | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
      const valueRange = (pair.value as { range?: [number, number, number] } | null)?.range;
      if (!keyRange || !valueRange || offset < valueRange[0] || offset > valueRange[2]) continue;
      return startOfBrokenField(pair.value, offset) ?? keyRange[0];
    }
  } else if (isSeq(node)) {
    for (const item of node.items) {
      const range = (item as { range?: [number, number, number] } | null)?.range;
      if (range && offset >= range[0] && offset <= range[2]) return startOfBrokenField(item, offset) ?? range[0];
    }
  }
  return undefined;
}

/** yaml's message without its own "at line N, column M" (the problem names the line staff should look at, which may differ). */
export function yamlErrorMessage(message: string): string {
  return (message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
}

/** The Chinese advice every YAML syntax problem starts with; `extraZh` adds what the file's own layout needs. */
const SYNTAX_FIX_ZH = '检查引号和括号是否成对（这一行开始的内容常常少了结尾的 `"` 或 `]`），缩进是否对齐，每项是否写成 `字段名: 内容`（英文冒号后加一个空格）';

/**
 * Parses a whole-file YAML document (bot.yaml, the eligibility rules) with line numbers; a syntax
 * error becomes one problem on the line staff should look at, and undefined is returned.
 */
export function parseYamlFile(file: string, source: string, problems: KnowledgeProblem[], fix: Bilingual): { doc: Document; lineCounter: LineCounter } | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, uniqueKeys: true });
  const err = doc.errors[0];
  if (!err) return { doc, lineCounter };
  problems.push({
    file,
    line: yamlErrorLine(doc, lineCounter, err.pos[0]),
    message: `invalid YAML: ${yamlErrorMessage(err.message)}`,
    fix: fix.en,
    zh: { message: "这一行附近的写法有误，机器人读不懂", fix: `${SYNTAX_FIX_ZH}${fix.zh}` },
  });
  return undefined;
}
