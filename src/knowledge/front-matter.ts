import { LineCounter, parseDocument, isMap, isScalar, isSeq, type Document } from "yaml";
import type { KnowledgeProblem, Wording } from "./errors.js";
import { yamlErrorLine, yamlErrorMessage } from "./yaml-errors.js";

/** A Markdown file split into its YAML front matter and body, with line numbers for messages. */
export interface FrontMatterFile {
  data: Record<string, unknown>;
  body: string;
  /** 1-based line in the file where the body starts. */
  bodyLine: number;
  /** 1-based file line of a top-level key, or of the n-th item of a list under it. */
  lineOf(key: string, index?: number): number | undefined;
}

export class FrontMatterError extends Error {
  override readonly name = "FrontMatterError";
  constructor(
    message: string,
    readonly line: number | undefined,
    readonly fix: string,
    /** The same in Chinese, for staff. */
    readonly zh: Wording,
  ) {
    super(message);
  }
}

const OPENING = /^\uFEFF?---\r?\n/;

export function parseFrontMatter(source: string): FrontMatterFile {
  const opening = OPENING.exec(source);
  if (!opening) {
    throw new FrontMatterError("no YAML front matter", 1, "start the file with a line `---`, the fields, and another `---`", {
      message: "文件开头缺少字段部分（前后各一行 `---`）",
      fix: "第一行写 `---`，接着每行写一项字段，再写一行 `---`",
    });
  }
  const rest = source.slice(opening[0].length);
  const closing = /^---[ \t]*$/m.exec(rest);
  if (!closing) {
    throw new FrontMatterError("front matter is not closed", 1, "add a line `---` after the last field", {
      message: "字段部分没有结束：缺少第二个 `---`",
      fix: "在最后一项字段下面加一行 `---`",
    });
  }
  const yamlText = rest.slice(0, closing.index);
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, uniqueKeys: true });
  // The YAML starts on file line 2 (after the opening `---`).
  const toFileLine = (offset: number) => lineCounter.linePos(offset).line + 1;
  const firstError = doc.errors[0];
  if (firstError) {
    throw new FrontMatterError(
      `invalid YAML: ${yamlErrorMessage(firstError.message)}`,
      yamlErrorLine(doc, lineCounter, firstError.pos[0]) + 1,
      "fix the YAML syntax (indentation, a `:` after each key, quotes around text that starts with a special character)",
      {
        message: "这一行附近的字段写法有误，机器人读不懂",
        fix: '检查引号和括号是否成对（这一行开始的内容常常少了结尾的 `"` 或 `]`）、缩进是否对齐、每个字段名后是否有英文冒号 `:` 和一个空格；内容以 `[`、`{`、`*`、`&` 等符号开头时，要用英文双引号 `"` 把整段内容括起来',
      },
    );
  }
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new FrontMatterError("front matter is not a set of `key: value` fields", 2, "write one `key: value` per line", {
      message: "字段部分的写法不对，应该是一行一项 `字段名: 内容`",
      fix: "在两行 `---` 之间每行写一项，例如 `question: 标准问题`",
    });
  }
  const bodyStart = opening[0].length + closing.index + closing[0].length;
  const bodyLine = source.slice(0, bodyStart).split("\n").length + 1;
  return {
    data: data as Record<string, unknown>,
    body: source.slice(bodyStart).replace(/^\r?\n/, ""),
    bodyLine,
    lineOf: (key, index) => lineOfKey(doc, key, index, toFileLine),
  };
}

function lineOfKey(doc: Document, key: string, index: number | undefined, toFileLine: (o: number) => number): number | undefined {
  if (!isMap(doc.contents)) return undefined;
  const pair = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === key);
  if (!pair) return undefined;
  const keyNode = pair.key;
  if (index !== undefined && isSeq(pair.value)) {
    const item: unknown = pair.value.items[index];
    if (isScalar(item) && item.range) return toFileLine(item.range[0]);
  }
  if (isScalar(keyNode) && keyNode.range) return toFileLine(keyNode.range[0]);
  return undefined;
}

/** {@link parseFrontMatter} for a knowledge file: a syntax problem is reported, not thrown. */
export function readFrontMatter(file: string, source: string, problems: KnowledgeProblem[]): FrontMatterFile | undefined {
  try {
    return parseFrontMatter(source);
  } catch (e) {
    if (!(e instanceof FrontMatterError)) throw e;
    problems.push({ file, line: e.line, message: e.message, fix: e.fix, zh: e.zh });
    return undefined;
  }
}
