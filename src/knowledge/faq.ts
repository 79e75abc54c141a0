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
  const id = r.string("id", true, { en: "add `id:` with the file name (lower-case letters, digits and -)", zh: "加一行 `id:`，写上问答编号，即文件名去掉 `.md`（只用小写字母、数字和 -）" });
  const expectedId = basename(file, ".md");
  if (id && !FAQ_ID_PATTERN.test(id)) {
    r.problem(
      "id",
      { en: `id "${id}" may contain only a-z, 0-9 and -`, zh: `问答编号 \`${id}\` 只能用小写字母、数字和 -` },
      { en: "rename the id (and the file) using lower-case letters, digits and -", zh: "把问答编号和文件名都改成只含小写字母、数字和 -，两者保持一致" },
    );
  } else if (id && id !== expectedId) {
    r.problem(
      "id",
      { en: `id "${id}" does not match the file name "${expectedId}.md"`, zh: `问答编号 \`${id}\` 与文件名 \`${expectedId}.md\` 不一致` },
      { en: `rename the file to ${id}.md or set \`id: ${expectedId}\``, zh: `把文件改名为 \`${id}.md\`，或把这一行改成 \`id: ${expectedId}\`` },
    );
  }
  const question = r.string("question", true, { en: "add `question:` with the canonical question", zh: "加一行 `question:`，写上标准问题" });
  const alternates = r.strings("alternates", { en: "write each alternate phrasing as a list item `  - …`", zh: "其他问法写在 `alternates:` 下面，每个问法一行，写成 `  - …`" });
  const tags = r.strings("tags", { en: "write tags as a list, e.g. `tags: [子女入学, 材料]`", zh: "标签写成列表，例如 `tags: [子女入学, 材料]`" });
  const audience = r.string("audience", false, { en: "write the audience as text, e.g. `audience: 高层次人才`", zh: "适用对象写成一段文字，例如 `audience: 高层次人才`" });
  const updated = r.string("updated", false, { en: "write the date as YYYY-MM-DD", zh: "日期按年-月-日写，例如 `updated: 2024-03-15`" });
  if (updated && !/^\d{4}-\d{2}-\d{2}$/.test(updated)) {
    r.problem(
      "updated",
      { en: `updated "${updated}" is not a date`, zh: `\`updated\` 写的“${updated}”不是日期` },
      { en: "write the date as YYYY-MM-DD, e.g. `updated: 2024-03-15`", zh: "日期按年-月-日写，例如 `updated: 2024-03-15`" },
    );
  }
  const sample = r.boolean("sample", false);
  const src = r.record("source");
  let source: FaqEntry["source"];
  if (src) {
    const doc = typeof src["doc"] === "string" ? src["doc"].trim() : "";
    const article = typeof src["article"] === "string" ? src["article"].trim() : typeof src["section"] === "string" ? src["section"].trim() : undefined;
    if (!doc) {
      r.problem(
        "source",
        { en: "`source` has no `doc`", zh: "依据 `source` 下面缺少 `doc`" },
        { en: "name the policy document id under source, e.g. `  doc: talent-20-rules`", zh: "在 `source:` 下面写上政策文件编号，例如 `  doc: talent-20-rules`" },
      );
    } else source = article ? { doc, article } : { doc };
  }
  const answer = fm.body.trim();
  if (!answer) {
    problems.push({
      file,
      line: fm.bodyLine,
      message: "the answer (the text after the front matter) is empty",
      fix: "write the answer below the closing `---`",
      zh: { message: "答案为空", fix: "在第二个 `---` 下面写答案" },
    });
  }
  if (problems.length > before && (!id || !question || !answer)) return undefined;
  const entry: FaqEntry = { id: id || expectedId, question, alternates, tags, sample, answer, file };
  if (audience) entry.audience = audience;
  if (source) entry.source = source;
  if (updated) entry.updated = updated;
  return entry;
}
