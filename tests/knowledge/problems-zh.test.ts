import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem, formatProblemZh, type KnowledgeProblem } from "../../src/knowledge/errors.js";
import { readFaqCsv, writeFaqFiles } from "../../src/knowledge/import-csv.js";
import { checkKnowledge } from "../../src/knowledge/load.js";
import { writeMiniKb } from "../helpers/mini-kb.js";
import { MINI_ELIGIBILITY } from "../helpers/mini-eligibility.js";

// Staff read knowledge problems in the Chinese staff console: every problem the loader (and the
// CSV import) can report must come with a Chinese message and fix, in Chinese apart from the
// literal things staff type (file names, ids, field names, `---`, `## `, `- `).

const md = (front: string[], body = "答案。") => ["---", ...front, "---", body].join("\n");
const faq = (id: string, lines: string[], body = "答案。") => md(["schemaVersion: 1", `id: ${id}`, ...lines], body);
/** A benefit of an eligibility rules file, on rules.md (the mini knowledge base's policy). */
const benefit = (id: string, when: string, source = "{ doc: rules, article: 第一条 }") => [`  - id: ${id}`, `    title: ${id}`, `    source: ${source}`, `    when: ${when}`];
const GOOD_FACTS = MINI_ELIGIBILITY["eligibility/facts.yaml"]!;
const GOOD_BENEFITS = MINI_ELIGIBILITY["eligibility/benefits.yaml"]!;

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
      "greeting: 您好",
      "help: 帮助",
      "examples: 只有一句",
      "notFound: 抱歉",
      "excerptIntro: 原文",
      "retentionDays: -1",
      "jurisdiction: [示例市, 深圳]",
      "staffContact:",
      "  phone: 0000",
      "  address: 示例路",
      "  hours: 工作日",
      "  email: [a, b]",
    ].join("\n"),
  },
  { "bot.yaml": null },
  { "faq/enroll-materials.md": null, "faq/housing-subsidy.md": null },
  // Eligibility rules (eligibility/): facts broken in every way, and a benefit for every kind of broken condition.
  {
    "eligibility/facts.yaml": [
      "schemaVersion: 1",
      "triggers: [政策计算器, 政策计算器, 入学材料清单, '']",
      "facts:",
      "  - 只是一句话",
      "  - id: Bad Id",
      "  - type: number",
      "  - id: age",
      "    type: number",
      "    min: 16",
      "    max: 80",
      "  - id: age",
      "    type: number",
      "    question: 又问年龄？",
      "  - id: kind",
      "    type: text",
      "    question: 哪类？",
      "  - id: untyped",
      "    question: 没有类型？",
      "  - id: single",
      "    type: enum",
      "    question: 只有一个选项？",
      "    choices:",
      "      - { value: a, label: 甲 }",
      "  - id: pick",
      "    type: enum",
      "    question: 选哪个？",
      "    choices:",
      "      - { value: a, label: 甲, aliases: 甲方 }",
      "      - { value: a, label: 甲二 }",
      "      - { value: b }",
      "      - { value: c, label: 丙 }",
      "  - id: years",
      "    type: number",
      "    question: 几年？",
      "    min: 十",
      "  - id: span",
      "    type: number",
      "    question: 多少？",
      "    min: 10",
      "    max: 5",
      "  - id: flag",
      "    type: boolean",
      "    question: 是不是？",
    ].join("\n"),
    "eligibility/benefits.yaml": [
      "schemaVersion: 1",
      "benefits:",
      "  - 只是一句话",
      "  - id: Bad_Id",
      "  - title: 没有编号",
      "  - id: bare",
      ...benefit("text", "只是一句话"),
      ...benefit("label-only", "{ label: 只有说明 }"),
      ...benefit("empty-all", "{ all: [] }"),
      ...benefit("unknown-fact", "{ fact: salary, atLeast: 3 }"),
      ...benefit("two-ops", "{ fact: age, atLeast: 3, atMost: 5 }"),
      ...benefit("no-op", "{ fact: pick }"),
      ...benefit("bad-value", "{ fact: pick, is: z }"),
      ...benefit("enum-number", "{ fact: pick, atLeast: 2 }"),
      ...benefit("flag-number", "{ fact: flag, atMost: 1 }"),
      ...benefit("not-number", "{ fact: age, atLeast: 很多 }"),
      ...benefit("out-of-range", "{ fact: age, atLeast: 100 }"),
      ...benefit("number-is", "{ fact: age, is: 30 }"),
      ...benefit("in-text", "{ fact: pick, in: a }"),
      ...benefit("in-bad", "{ not: { fact: pick, in: [a, z] } }"),
      ...benefit("no-doc", "{ fact: flag, is: true }", "{ doc: nowhere }"),
      ...benefit("no-doc", "{ fact: flag, is: false }", "{ doc: rules, article: 第九条 }"),
      ...benefit("contradiction", "{ all: [{ fact: age, atLeast: 40 }, { fact: age, atMost: 30 }] }"),
      ...benefit("dead-branch", "{ any: [{ all: [{ fact: age, atLeast: 50 }, { fact: age, atMost: 20 }] }, { fact: pick, is: a }] }"),
    ].join("\n"),
  },
  // No triggers, no list of facts or benefits, a benefits file of another version: no benefits at all.
  { "eligibility/facts.yaml": "schemaVersion: 1\nfacts: 没有列表", "eligibility/benefits.yaml": "schemaVersion: 2\nbenefits: 没有列表" },
  // Broken YAML, a file that is not `key: value` fields, a file without schemaVersion; no policies for a source.
  { "eligibility/facts.yaml": "schemaVersion: 1\ntriggers: [政策计算器\n", "eligibility/benefits.yaml": GOOD_BENEFITS },
  {
    "eligibility/facts.yaml": GOOD_FACTS,
    "eligibility/a.yaml": "- 不是字段",
    "eligibility/b.yaml": "schemaVersion: 1\nbenefits: [未闭合\n",
    "eligibility/c.yaml": ["benefits:", ...benefit("versionless", "{ fact: has_home, is: true }")].join("\n"),
    "eligibility/d.yaml": ["schemaVersion: 1", "benefits:", ...benefit("no-policies", "{ fact: child, is: true }", "{ doc: rules }")].join("\n"),
    "policies/rules.md": null,
    "faq/enroll-materials.md": null,
    "faq/housing-subsidy.md": null,
  },
  // Benefit files without facts.yaml.
  { "eligibility/benefits.yaml": GOOD_BENEFITS },
];

const CSVS = [
  'id,question,answer\nx,"未闭合,答案',
  "",
  "question,alternates\n问题,问法",
  ["id,question,alternates,answer,source", "Bad Id,问题,,答案,", "ok,问题,,答案,", "ok,问题,,答案,", "no-question,,,答案,", "no-answer,问题,,,", "bad-source,问题,,答案,不是 文件#条款!"].join("\n"),
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
        expect(
          (rest.match(/[A-Za-z]{2,}/g) ?? []).filter((w) => !ALLOWED_LATIN.has(w)),
          `${label}\n  ${text}`,
        ).toEqual([]);
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
    expect(zh("eligibility/facts.yaml", /invalid YAML/)).toEqual([
      '这一行附近的写法有误，机器人读不懂 → 检查引号和括号是否成对（这一行开始的内容常常少了结尾的 `"` 或 `]`），缩进是否对齐，每项是否写成 `字段名: 内容`（英文冒号后加一个空格），列表的每一项是否以 `- ` 开头',
    ]);
    expect(zh("eligibility/benefits.yaml", /unknown fact/)).toEqual([
      "条件里的事实 `salary` 没有在 `eligibility/facts.yaml` 中写过 → 在 `eligibility/facts.yaml` 中加上这个事实，或改用已有的事实：`age`、`single`、`pick`、`years`、`span`、`flag`",
    ]);
    expect(zh("eligibility/facts.yaml", /trigger .* is also/)).toEqual([
      "触发语“入学材料清单”也是问答 `enroll-materials` 的标准问题或其他问法：用户发这句话只会开始政策计算器，得不到这个问答 → 从问答里删掉这个问法，或从 `triggers` 里删掉这句触发语",
    ]);
    expect(zh("eligibility/benefits.yaml", /not a value/)).toEqual(["“z”不是事实 `pick` 的选项值 → 改用下列之一：`a`、`c`", "“z”不是事实 `pick` 的选项值 → 改用下列之一：`a`、`c`"]);
    expect(zh("eligibility/benefits.yaml", /already used/)[0]).toMatch(/^待遇编号 `no-doc` 已经在 eligibility\/benefits\.yaml 第 \d+ 行用过/);
    expect(zh("eligibility/", /without/)).toEqual([
      "有待遇文件，但缺少 `eligibility/facts.yaml` → 新建 `eligibility/facts.yaml`，写上待遇条件用到的事实（写法见 docs/staff.md 中“政策计算器：工作人员如何编辑规则”一节）",
    ]);
  });

  it("covers every problem the eligibility rules report", async () => {
    const problems = (await everyProblem()).filter((p) => p.file.startsWith("eligibility/"));
    const kinds = new Set(problems.map((p) => p.message.replace(/"[^"]*"|`[^`]*`|\d+|eligibility\/\S+/g, "")));
    expect(kinds.size, [...kinds].join("\n")).toBeGreaterThanOrEqual(40);
    // The YAML library's English never reaches the staff.
    for (const p of problems.filter((x) => /invalid YAML/.test(x.message))) expect(p.zh.message).toBe("这一行附近的写法有误，机器人读不懂");
  });

  it("formatProblemZh names the file and line the Chinese way; formatProblem stays English for the CLI", () => {
    const p: KnowledgeProblem = { file: "faq/enroll/x.md", line: 3, message: "the answer is empty", fix: "write the answer", zh: { message: "答案为空", fix: "在第二个 `---` 下面写答案" } };
    expect(formatProblemZh(p)).toBe("faq/enroll/x.md 第 3 行：答案为空\n    → 在第二个 `---` 下面写答案");
    expect(formatProblemZh({ ...p, line: undefined })).toBe("faq/enroll/x.md：答案为空\n    → 在第二个 `---` 下面写答案");
    expect(formatProblem(p)).toBe("faq/enroll/x.md:3: the answer is empty\n    → write the answer");
  });
});
