import { mkdir, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseCsv, CsvError } from "./csv.js";
import type { Bilingual, KnowledgeProblem } from "./errors.js";
import { FAQ_ID_PATTERN } from "./faq.js";
import { formatFaqFile, today } from "./write.js";
import type { FaqEntry } from "./types.js";

export const CSV_COLUMNS = ["id", "question", "alternates", "answer", "source"] as const;

export interface CsvImport {
  entries: Omit<FaqEntry, "file">[];
  problems: KnowledgeProblem[];
}

/**
 * Reads a spreadsheet export (columns id, question, alternates separated by `|`, answer,
 * source as `doc#article` or `doc 第八条`) into FAQ entries. Column order follows the header row.
 */
export function readFaqCsv(file: string, text: string): CsvImport {
  const problems: KnowledgeProblem[] = [];
  let records;
  try {
    records = parseCsv(text);
  } catch (e) {
    if (e instanceof CsvError) {
      const fix = { en: "close the quote, or save the sheet again as CSV (UTF-8)", zh: "补上结束的英文双引号，或在表格软件里重新另存为 CSV（UTF-8）文件" };
      return { entries: [], problems: [{ file, line: e.line, message: e.message, fix: fix.en, zh: { message: e.zh, fix: fix.zh } }] };
    }
    throw e;
  }
  const [header, ...rows] = records;
  if (!header) {
    const fix = { en: `export a sheet with the header row: ${CSV_COLUMNS.join(",")}`, zh: `导出的表格第一行要写列名：\`${CSV_COLUMNS.join(",")}\`` };
    return { entries: [], problems: [{ file, message: "the file is empty", fix: fix.en, zh: { message: "文件是空的", fix: fix.zh } }] };
  }
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const col: Record<string, number> = {};
  for (const c of CSV_COLUMNS) {
    const i = names.indexOf(c);
    if (i < 0 && (c === "id" || c === "question" || c === "answer")) {
      problems.push({
        file,
        line: header.line,
        message: `the header has no "${c}" column`,
        fix: `name the columns in the first row: ${CSV_COLUMNS.join(",")}`,
        zh: { message: `第一行缺少 \`${c}\` 列`, fix: `在第一行写列名：\`${CSV_COLUMNS.join(",")}\`` },
      });
    }
    col[c] = i;
  }
  if (problems.length > 0) return { entries: [], problems };
  const cell = (fields: string[], c: string) => (col[c]! >= 0 ? (fields[col[c]!] ?? "").trim() : "");
  const entries: Omit<FaqEntry, "file">[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    const id = cell(r.fields, "id");
    const question = cell(r.fields, "question");
    const answer = cell(r.fields, "answer");
    const bad = (message: Bilingual, fix: Bilingual) => problems.push({ file, line: r.line, message: message.en, fix: fix.en, zh: { message: message.zh, fix: fix.zh } });
    if (!FAQ_ID_PATTERN.test(id)) {
      bad(
        { en: `id "${id}" is empty or has characters other than a-z, 0-9 and -`, zh: `问答编号“${id}”是空的，或含有小写字母、数字和 - 以外的字符` },
        { en: "use lower-case letters, digits and -, e.g. housing-subsidy", zh: "问答编号只用小写字母、数字和 -，例如 `housing-subsidy`" },
      );
      continue;
    }
    if (seen.has(id)) {
      bad({ en: `id "${id}" appears twice`, zh: `问答编号 \`${id}\` 出现了两次` }, { en: "give every row its own id", zh: "每一行用不同的问答编号" });
      continue;
    }
    seen.add(id);
    if (!question) {
      bad({ en: `row "${id}" has no question`, zh: `\`${id}\` 这一行没有标准问题` }, { en: "fill in the question column", zh: "填写 `question` 列" });
      continue;
    }
    if (!answer) {
      bad({ en: `row "${id}" has no answer`, zh: `\`${id}\` 这一行没有答案` }, { en: "fill in the answer column", zh: "填写 `answer` 列" });
      continue;
    }
    const entry: Omit<FaqEntry, "file"> = {
      id,
      question,
      answer,
      tags: [],
      sample: false,
      updated: today(),
      alternates: cell(r.fields, "alternates")
        .split("|")
        .map((s) => s.trim())
        .filter(Boolean),
    };
    const source = cell(r.fields, "source");
    if (source) {
      const m = /^([a-z0-9-]+)(?:\s*[#\s]\s*(.+))?$/.exec(source);
      if (!m) {
        bad(
          { en: `source "${source}" is not "doc#article"`, zh: `依据“${source}”不是“政策文件编号#条款”的格式` },
          { en: "write the source as document id and article, e.g. talent-20-rules#第八条", zh: "依据写成政策文件编号加条款，例如 `talent-20-rules#第八条`" },
        );
        continue;
      }
      entry.source = m[2] ? { doc: m[1]!, article: m[2].trim() } : { doc: m[1]! };
    }
    entries.push(entry);
  }
  return { entries, problems };
}

/** Writes the entries as `faq/<subdir>/<id>.md`; refuses to overwrite an existing file unless `force`. */
export async function writeFaqFiles(knowledgeDir: string, subdir: string, entries: readonly Omit<FaqEntry, "file">[], force: boolean): Promise<{ written: string[]; problems: KnowledgeProblem[] }> {
  const dir = join(knowledgeDir, "faq", subdir);
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const problems: KnowledgeProblem[] = [];
  for (const e of entries) {
    const rel = `faq/${subdir}/${e.id}.md`;
    if (existsSync(join(knowledgeDir, rel)) && !force) {
      problems.push({
        file: rel,
        message: "file exists already",
        fix: "pass --force to overwrite it, or change the id",
        zh: { message: "文件已经存在", fix: "加上 `--force` 覆盖它，或者换一个问答编号" },
      });
      continue;
    }
    await writeFile(join(knowledgeDir, rel), formatFaqFile(e), "utf8");
    written.push(rel);
  }
  return { written, problems };
}
