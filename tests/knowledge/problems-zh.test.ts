import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem, formatProblemZh, type KnowledgeProblem } from "../../src/knowledge/errors.js";
import { readFaqCsv, writeFaqFiles } from "../../src/knowledge/import-csv.js";
import { checkKnowledge } from "../../src/knowledge/load.js";
import { writeMiniKb } from "../helpers/mini-kb.js";

// Staff read knowledge problems in the Chinese staff console: every problem the loader (and the
// CSV import) can report must come with a Chinese message and fix, in Chinese apart from the
// literal things staff type (file names, ids, field names, `---`, `## `, `- `).

const md = (front: string[], body = "答案。") => ["---", ...front, "---", body].join("\n");
const faq = (id: string, lines: string[], body = "答案。") => md(["schemaVersion: 1", `id: ${id}`, ...lines], body);

/** Knowledge bases broken in every way the loader reports (one problem can hide another, hence several). */
const BROKEN: Record<string, string | null>[] = [
  {
    "faq/no-front-matter.md": "只有答案，没有字段",
    "faq/unclosed.md": "---\nschemaVersion: 1\nid: unclosed\nquestion: 问题\n",
    "faq/bad-yaml.md": faq("bad-yaml", ["question: [未闭合 的问题"]),
    "faq/a-list.md": md(["- 一", "- 二"]),
    "faq/fields.md": md(
      ["id: Bad_Id", "question: [问题一, 问题二]", "alternates: 只是一句话", "tags: ['', 材料]", "audience: { a: 1 }", "updated: 昨天", "sample: 是", "source:", "  article: 第一条"],
      "  \n",
    ),
    "faq/mismatch.md": faq("other-name", ["question: 文件名不对的问题"]),
    "faq/no-id.md": md(["schemaVersion: 1", "question: 没有编号的问题"]),
    "faq/a/dup.md": faq("dup", ["question: 重复编号一"]),
    "faq/b/dup.md": faq("dup", ["question: 重复编号二"]),
    "faq/src-doc.md": faq("src-doc", ["question: 依据文件不存在", "source:", "  doc: nowhere"]),
    "faq/src-article.md": faq("src-article", ["question: 依据条款不存在", "source:", "  doc: rules", "  article: 第九条"]),
    "faq/src-text.md": faq("src-text", ["question: 依据写成文字", "source: rules"]),
    "faq/shared.md": faq("shared", ["question: 共用问法", "alternates:", "  - 买房补贴有多少？"]),
    "policies/bad.md": md(["schemaVersion: 1", "id: not-bad", "issuer: [a]"], "前言\n## 第一条 总则\n\n## 第二条 补贴\n正文\n## 第二条 补贴\n正文"),
    "policies/no-articles.md": md(["schemaVersion: 1", "id: no-articles", "title: 没有条款"], "只有前言。"),
    "policies/no-id.md": md(["schemaVersion: 1", "title: 没有编号"], "## 第一条 总则\n正文"),
    "synonyms.txt": "# talentbot synonyms schemaVersion: 1\n孤单\n子女 孩子\n孩子 小孩",
    "dict.txt": "# talentbot dict schemaVersion: 1\n人才周\n购房补贴 很多",
    "smalltalk.md": md(["schemaVersion: 1"], "## Bad Intent\n- 你好\n## lonely"),
    "out-of-scope.md": md(["schemaVersion: 1"], "- 放在标题前面\n## 补贴\n- 买房补贴有多少？\n- 租房补贴\n- 租房补贴。\nthis line is neither kind\n## 空的"),
    "bot.yaml": "schemaVersion: 1\nbotName: 助手\ngreeting: 您好\nhelp: 帮助\nnotFound: 抱歉\nexcerptIntro: 原文\nstaffContact: 打电话",
  },
  {
    "faq/version.md": md(["schemaVersion: 2", "id: version", "question: 版本太新"]),
    "synonyms.txt": "子女 孩子",
    "dict.txt": "# talentbot dict schemaVersion: 2\n购房补贴 2000 n",
    "bot.yaml": "schemaVersion: 1\nbotName: [未闭合",
  },
  { "bot.yaml": "- 不是字段" },
  {
    "bot.yaml": [
      "greeting: 您好", "help: 帮助", "examples: 只有一句", "notFound: 抱歉", "excerptIntro: 原文", "retentionDays: -1",
      "staffContact:", "  phone: 0000", "  address: 示例路", "  hours: 工作日", "  email: [a, b]",
    ].join("\n"),
  },
  { "bot.yaml": null },
  { "faq/enroll-materials.md": null, "faq/housing-subsidy.md": null },
];

const CSVS = [
  'id,question,answer\nx,"未闭合,答案',
  "",
  "question,alternates\n问题,问法",
  [
    "id,question,alternates,answer,source",
    "Bad Id,问题,,答案,",
    "ok,问题,,答案,",
    "ok,问题,,答案,",
    "no-question,,,答案,",
    "no-answer,问题,,,",
    "bad-source,问题,,答案,不是 文件#条款!",
  ].join("\n"),
];

async function everyProblem(): Promise<KnowledgeProblem[]> {
  const problems: KnowledgeProblem[] = [];
  for (const files of BROKEN) problems.push(...(await checkKnowledge(await writeMiniKb(files))).problems);
  CSVS.forEach((text, i) => problems.push(...readFaqCsv(`sheet-${i}.csv`, text).problems));
  const dir = await mkdtemp(join(tmpdir(), "talentbot-zh-"));
  const entry = { id: "exists", question: "问题", alternates: [], tags: [], sample: false, answer: "答案" };
  await writeFaqFiles(dir, "imported", [entry], false);
  problems.push(...(await writeFaqFiles(dir, "imported", [entry], false)).problems);
  return problems;
}

/** What is left of a Chinese text once the literal things staff type (`…`, “…”, file names) are taken out. */
function prose(text: string, file: string): string {
  return text
    .replaceAll(file, "")
    .replace(/`[^`]*`/g, "")
    .replace(/“[^”]*”/g, "")
    .replace(/[\w./<>-]+\.(?:md|yaml|txt|csv)\b/g, "");
}

const HAN = /\p{Script=Han}/u;
/** Abbreviations a clerk reads as Chinese text. */
const ALLOWED_LATIN = new Set(["CSV", "UTF"]);

describe("knowledge problems in Chinese", () => {
  it("every problem the loader and the CSV import report has a Chinese message and fix, with no English sentence", async () => {
    const problems = await everyProblem();
    // The broken files above reach (nearly) every place that reports a problem.
    expect(new Set(problems.map((p) => p.message.replace(/"[^"]*"|\d+/g, ""))).size).toBeGreaterThanOrEqual(45);
    for (const p of problems) {
      const label = formatProblem(p);
      expect(p.zh, label).toBeDefined();
      for (const text of [p.zh.message, p.zh.fix]) {
        expect(text.trim(), label).not.toBe("");
        expect(text, label).toMatch(HAN);
        const rest = prose(text, p.file);
        expect(rest, `${label}\n  ${text}`).not.toMatch(/[a-z]{4,} [a-z]{4,}/i);
        expect((rest.match(/[A-Za-z]{2,}/g) ?? []).filter((w) => !ALLOWED_LATIN.has(w)), `${label}\n  ${text}`).toEqual([]);
      }
      expect(p.zh.message, label).not.toBe(p.message);
    }
  });

  it("keeps file names, ids, field names and file syntax verbatim in the Chinese", async () => {
    const problems = await everyProblem();
    const zh = (file: string, pattern: RegExp) => problems.filter((p) => p.file === file && pattern.test(p.message)).map((p) => `${p.zh.message} → ${p.zh.fix}`);
    expect(zh("faq/mismatch.md", /does not match/)).toEqual(["问答编号 `other-name` 与文件名 `mismatch.md` 不一致 → 把文件改名为 `other-name.md`，或把这一行改成 `id: mismatch`"]);
    expect(zh("faq/fields.md", /answer/)).toEqual(["答案为空 → 在第二个 `---` 下面写答案"]);
    expect(zh("faq/src-doc.md", /document/)[0]).toContain("`nowhere`");
    expect(zh("faq/src-doc.md", /document/)[0]).toContain("`rules`");
    expect(zh("smalltalk.md", /no reply/)).toEqual(["寒暄类别 `lonely` 没有回复 → 在标题下面加一行 `reply: …`，写上机器人的回复"]);
    expect(zh("out-of-scope.md", /neither/)[0]).toContain("`- `");
    expect(zh("synonyms.txt", /first line/)).toEqual(["第 1 行没有注明文件格式，现在写的是“子女 孩子” → 把第 1 行原样改成：`# talentbot synonyms schemaVersion: 1`"]);
  });

  it("formatProblemZh names the file and line the Chinese way; formatProblem stays English for the CLI", () => {
    const p: KnowledgeProblem = { file: "faq/enroll/x.md", line: 3, message: "the answer is empty", fix: "write the answer", zh: { message: "答案为空", fix: "在第二个 `---` 下面写答案" } };
    expect(formatProblemZh(p)).toBe("faq/enroll/x.md 第 3 行：答案为空\n    → 在第二个 `---` 下面写答案");
    expect(formatProblemZh({ ...p, line: undefined })).toBe("faq/enroll/x.md：答案为空\n    → 在第二个 `---` 下面写答案");
    expect(formatProblem(p)).toBe("faq/enroll/x.md:3: the answer is empty\n    → write the answer");
  });
});
