import { basename } from "node:path";
import type { KnowledgeProblem } from "./errors.js";
import { readFrontMatter } from "./front-matter.js";
import { readerFor } from "./fields.js";
import type { FaqEntry } from "./types.js";

export const FAQ_ID_PATTERN = /^[a-z0-9-]+$/;

/** Parses one FAQ file (`faq/**\/<id>.md`); returns undefined when it is unusable. */
export function parseFaq(file: string, text: string, problems: KnowledgeProblem[]): FaqEntry | undefined {
  const fm = readFrontMatter(file, text, problems);
  if (!fm) return undefined;
  const before = problems.length;
  const r = readerFor(file, fm, problems);
  r.schemaVersion();
  const id = r.string("id", true, "add `id:` with the file name (lower-case letters, digits and -)");
  const expectedId = basename(file, ".md");
  if (id && !FAQ_ID_PATTERN.test(id)) r.problem("id", `id "${id}" may contain only a-z, 0-9 and -`, "rename the id (and the file) using lower-case letters, digits and -");
  else if (id && id !== expectedId) r.problem("id", `id "${id}" does not match the file name "${expectedId}.md"`, `rename the file to ${id}.md or set \`id: ${expectedId}\``);
  const question = r.string("question", true, "add `question:` with the canonical question");
  const alternates = r.strings("alternates", "write each alternate phrasing as a list item `  - …`");
  const tags = r.strings("tags", "write tags as a list, e.g. `tags: [子女入学, 材料]`");
  const audience = r.string("audience", false, "write the audience as text, e.g. `audience: 高层次人才`");
  const updated = r.string("updated", false, "write the date as YYYY-MM-DD");
  if (updated && !/^\d{4}-\d{2}-\d{2}$/.test(updated)) r.problem("updated", `updated "${updated}" is not a date`, "write the date as YYYY-MM-DD, e.g. `updated: 2024-03-15`");
  const sample = r.boolean("sample", false);
  const src = r.record("source");
  let source: FaqEntry["source"];
  if (src) {
    const doc = typeof src["doc"] === "string" ? src["doc"].trim() : "";
    const article = typeof src["article"] === "string" ? src["article"].trim() : typeof src["section"] === "string" ? src["section"].trim() : undefined;
    if (!doc) r.problem("source", "`source` has no `doc`", "name the policy document id under source, e.g. `  doc: talent-20-rules`");
    else source = article ? { doc, article } : { doc };
  }
  const answer = fm.body.trim();
  if (!answer) problems.push({ file, line: fm.bodyLine, message: "the answer (the text after the front matter) is empty", fix: "write the answer below the closing `---`" });
  if (problems.length > before && (!id || !question || !answer)) return undefined;
  const entry: FaqEntry = { id: id || expectedId, question, alternates, tags, sample, answer, file };
  if (audience) entry.audience = audience;
  if (source) entry.source = source;
  if (updated) entry.updated = updated;
  return entry;
}
