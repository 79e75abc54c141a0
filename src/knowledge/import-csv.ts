import { mkdir, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseCsv, CsvError } from "./csv.js";
import type { KnowledgeProblem } from "./errors.js";
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
    if (e instanceof CsvError) return { entries: [], problems: [{ file, line: e.line, message: e.message, fix: "close the quote, or save the sheet again as CSV (UTF-8)" }] };
    throw e;
  }
  const [header, ...rows] = records;
  if (!header) return { entries: [], problems: [{ file, message: "the file is empty", fix: `export a sheet with the header row: ${CSV_COLUMNS.join(",")}` }] };
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const col: Record<string, number> = {};
  for (const c of CSV_COLUMNS) {
    const i = names.indexOf(c);
    if (i < 0 && (c === "id" || c === "question" || c === "answer")) problems.push({ file, line: header.line, message: `the header has no "${c}" column`, fix: `name the columns in the first row: ${CSV_COLUMNS.join(",")}` });
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
    const bad = (message: string, fix: string) => problems.push({ file, line: r.line, message, fix });
    if (!FAQ_ID_PATTERN.test(id)) { bad(`id "${id}" is empty or has characters other than a-z, 0-9 and -`, "use lower-case letters, digits and -, e.g. housing-subsidy"); continue; }
    if (seen.has(id)) { bad(`id "${id}" appears twice`, "give every row its own id"); continue; }
    seen.add(id);
    if (!question) { bad(`row "${id}" has no question`, "fill in the question column"); continue; }
    if (!answer) { bad(`row "${id}" has no answer`, "fill in the answer column"); continue; }
    const entry: Omit<FaqEntry, "file"> = {
      id, question, answer, tags: [], sample: false, updated: today(),
      alternates: cell(r.fields, "alternates").split("|").map((s) => s.trim()).filter(Boolean),
    };
    const source = cell(r.fields, "source");
    if (source) {
      const m = /^([a-z0-9-]+)(?:\s*[#\s]\s*(.+))?$/.exec(source);
      if (!m) { bad(`source "${source}" is not "doc#article"`, "write the source as document id and article, e.g. talent-20-rules#第八条"); continue; }
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
      problems.push({ file: rel, message: "file exists already", fix: "pass --force to overwrite it, or change the id" });
      continue;
    }
    await writeFile(join(knowledgeDir, rel), formatFaqFile(e), "utf8");
    written.push(rel);
  }
  return { written, problems };
}
