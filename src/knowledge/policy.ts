import { basename } from "node:path";
import type { KnowledgeProblem } from "./errors.js";
import { readFrontMatter } from "./front-matter.js";
import { readerFor } from "./fields.js";
import type { PolicyArticle, PolicyDoc } from "./types.js";

const NUMBERED_ARTICLE = /^(第[一二三四五六七八九十百零〇\d]+条)\s+(.*)$/;

/** The addressable key of an article heading: `第八条` for `第八条 子女入学`, else the whole heading. */
export function articleKey(heading: string): { key: string; title: string } {
  const m = NUMBERED_ARTICLE.exec(heading);
  return m ? { key: m[1]!, title: m[2]!.trim() } : { key: heading, title: heading };
}

export function parsePolicy(file: string, source: string, problems: KnowledgeProblem[]): PolicyDoc | undefined {
  const fm = readFrontMatter(file, source, problems);
  if (!fm) return undefined;
  const r = readerFor(file, fm, problems);
  r.schemaVersion();
  const expectedId = basename(file, ".md");
  const id = r.string("id", true, { en: "add `id:` with the file name", zh: "加一行 `id:`，写上政策文件编号，即文件名去掉 `.md`" });
  if (id && id !== expectedId) {
    r.problem(
      "id",
      { en: `id "${id}" does not match the file name "${expectedId}.md"`, zh: `政策文件编号 \`${id}\` 与文件名 \`${expectedId}.md\` 不一致` },
      { en: `rename the file to ${id}.md or set \`id: ${expectedId}\``, zh: `把文件改名为 \`${id}.md\`，或把这一行改成 \`id: ${expectedId}\`` },
    );
  }
  const title = r.string("title", true, { en: "add `title:` with the document's full title", zh: "加一行 `title:`，写上政策文件的完整标题" });
  const issuer = r.string("issuer", false, { en: "write the issuer as text", zh: "发文单位写成一段文字，例如 `issuer: 市教育局`" });
  const issued = r.string("issued", false, { en: "write the date as YYYY-MM-DD", zh: "日期按年-月-日写，例如 `issued: 2024-03-15`" });
  const sample = r.boolean("sample", false);

  const articles: PolicyArticle[] = [];
  const preamble: string[] = [];
  let current: { key: string; title: string; line: number; lines: string[] } | undefined;
  const flush = () => {
    if (!current) return;
    const text = current.lines.join("\n").trim();
    if (!text) {
      problems.push({
        file,
        line: current.line,
        message: `article "${current.key}" has no text`,
        fix: "write the article's text under its heading",
        zh: { message: `条款“${current.key}”下面没有正文`, fix: "在这个 `## ` 标题下面写上条款正文" },
      });
    }
    if (articles.some((a) => a.key === current!.key)) {
      problems.push({
        file,
        line: current.line,
        message: `article "${current.key}" appears twice`,
        fix: "give every `## ` heading a different number or title",
        zh: { message: `条款“${current.key}”出现了两次`, fix: "每个 `## ` 标题的条号或名称都要不同" },
      });
    }
    articles.push({ key: current.key, title: current.title, text, line: current.line });
  };
  fm.body.split(/\r?\n/).forEach((line, i) => {
    const heading = /^##\s+(.+?)\s*$/.exec(line);
    if (heading) {
      flush();
      current = { ...articleKey(heading[1]!), line: fm.bodyLine + i, lines: [] };
    } else if (current) current.lines.push(line);
    else preamble.push(line);
  });
  flush();
  if (articles.length === 0) {
    problems.push({
      file,
      line: fm.bodyLine,
      message: "no articles found",
      fix: "start each article with a heading line such as `## 第一条 总则`",
      zh: { message: "没有找到任何条款", fix: "每一条都用一行 `## ` 标题开头，例如 `## 第一条 总则`" },
    });
  }
  if (!id || !title) return undefined;
  const doc: PolicyDoc = { id, title, sample, preamble: preamble.join("\n").trim(), articles, file };
  if (issuer) doc.issuer = issuer;
  if (issued) doc.issued = issued;
  return doc;
}
