import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkKnowledge, loadKnowledge } from "../../src/knowledge/load.js";
import { KnowledgeError } from "../../src/knowledge/errors.js";
import { writeMiniKb } from "../helpers/mini-kb.js";

const OUT_OF_SCOPE = ["---", "schemaVersion: 1", "---", "<!-- 示例 -->", "## 租房补贴", "- 租房补贴怎么申请", "- 租房有补助吗", "", "## 落户", "- 人才落户要什么材料"].join("\n");

const faq = (id: string, lines: string[], body = "答案。") => ["---", "schemaVersion: 1", `id: ${id}`, ...lines, "---", body].join("\n");

async function problemsOf(files: Record<string, string | null>) {
  const { problems } = await checkKnowledge(await writeMiniKb(files));
  return problems;
}

describe("knowledge loading", () => {
  it("names a file or folder that exists but cannot be read, in both languages (never a bare EISDIR)", async () => {
    const dir = await writeMiniKb();
    await rm(join(dir, "bot.yaml"));
    await mkdir(join(dir, "bot.yaml"));
    await rm(join(dir, "policies", "rules.md"));
    await mkdir(join(dir, "policies", "rules.md")); // cited by the FAQs
    await rm(join(dir, "faq"), { recursive: true });
    await writeFile(join(dir, "faq"), "not a folder");
    const { kb, problems } = await checkKnowledge(dir);
    expect(kb).toBeUndefined();
    const byFile = Object.fromEntries(problems.map((p) => [p.file, p]));
    expect(byFile["bot.yaml"]).toMatchObject({ message: "is a folder, not a file", zh: { message: "这里应该是一个文件，现在却是一个文件夹" } });
    expect(byFile["policies/rules.md"]).toMatchObject({ message: "is a folder, not a file" });
    expect(byFile["faq/"]).toMatchObject({ message: "is a file, not a folder", zh: { message: "这里应该是一个文件夹，现在却是一个文件" } });
    expect(problems.some((p) => p.file === "bot.yaml" && p.message === "file is missing")).toBe(false);
    expect(JSON.stringify(problems)).not.toMatch(/EISDIR|ENOTDIR/);
  });

  it("says a policy file that does not load once, not once more for every FAQ citing it", async () => {
    const dir = await writeMiniKb();
    await rm(join(dir, "policies", "rules.md"));
    await mkdir(join(dir, "policies", "rules.md"));
    const { problems } = await checkKnowledge(dir);
    expect(problems.map((p) => `${p.file}: ${p.message}`)).toEqual(["policies/rules.md: is a folder, not a file"]);
  });

  it("says an eligibility facts.yaml that is a folder once (listing and reading it both find it)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kb-facts-folder-"));
    await cp("knowledge", dir, { recursive: true });
    await rm(join(dir, "eligibility", "facts.yaml"));
    await mkdir(join(dir, "eligibility", "facts.yaml"));
    const { problems } = await checkKnowledge(dir);
    expect(problems.map((p) => `${p.file}: ${p.message}`)).toEqual(["eligibility/facts.yaml: is a folder, not a file"]);
  });

  it("loads a valid knowledge base with articles addressable by key", async () => {
    const kb = await loadKnowledge(await writeMiniKb());
    expect(kb.faqs.map((f) => f.id).sort()).toEqual(["enroll-materials", "housing-subsidy"]);
    const rules = kb.policies[0]!;
    expect(rules.articles.map((a) => a.key)).toEqual(["第一条", "第二条", "第三条"]);
    expect(rules.articles[2]!.title).toBe("人才公寓");
    expect(kb.faqs.find((f) => f.id === "enroll-materials")!.alternates).toContain("入学材料清单");
    expect(kb.synonyms[0]).toEqual(["子女", "孩子", "小孩", "娃"]);
    expect(kb.smalltalk.map((s) => s.id)).toEqual(["greeting", "thanks"]);
  });

  it("reports bad YAML with file and line", async () => {
    const problems = await problemsOf({ "faq/broken.md": "---\nschemaVersion: 1\nid: broken\nquestion: [unclosed\n---\n答案" });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.file).toBe("faq/broken.md");
    expect(problems[0]!.line).toBeGreaterThanOrEqual(4);
    expect(problems[0]!.message).toMatch(/invalid YAML/);
  });

  it("names the line of the field with an unclosed quote or bracket, not the line where the parser gave up", async () => {
    const alternates = Array.from({ length: 30 }, (_, n) => `  - 问法${n}`);
    for (const broken of ['question: "未闭合的引号', "question: [未闭合的括号"]) {
      const text = ["---", "schemaVersion: 1", "id: broken", broken, "alternates:", ...alternates, "---", "答案"].join("\n");
      const problems = await problemsOf({ "faq/broken.md": text });
      expect(
        problems.map((p) => [p.file, p.line]),
        broken,
      ).toEqual([["faq/broken.md", 4]]);
      expect(problems[0]!.message).not.toMatch(/at line \d+/); // one line number, the one above
    }
  });

  it("reports a missing id, an id that differs from the file name, and a duplicate id", async () => {
    const problems = await problemsOf({
      "faq/no-id.md": ["---", "schemaVersion: 1", "question: 问题一", "---", "答案"].join("\n"),
      "faq/other-name.md": faq("housing-subsidy", ["question: 另一个问题"]),
    });
    const messages = problems.map((p) => `${p.file}: ${p.message}`);
    expect(messages).toContainEqual(expect.stringMatching(/faq\/no-id.md: missing `id`/));
    expect(messages).toContainEqual(expect.stringMatching(/other-name.md: id "housing-subsidy" does not match the file name/));
    expect(messages).toContainEqual(expect.stringMatching(/id "housing-subsidy" is already used/));
  });

  it("reports an empty answer at the line where the body starts", async () => {
    const problems = await problemsOf({ "faq/empty.md": faq("empty", ["question: 问题"], "  \n") });
    expect(problems).toEqual([expect.objectContaining({ file: "faq/empty.md", line: 6, message: expect.stringMatching(/answer .* is empty/) })]);
  });

  it("reports a source naming a missing document or article", async () => {
    const problems = await problemsOf({
      "faq/a.md": faq("a", ["question: 问题甲", "source:", "  doc: nope"]),
      "faq/b.md": faq("b", ["question: 问题乙", "source:", "  doc: rules", "  article: 第九十条"]),
    });
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/document "nope", which does not exist/), expect.stringMatching(/article "第九十条", which is not in policies\/rules.md/)]);
    expect(problems[0]!.fix).toMatch(/rules/);
  });

  it("reports an alternate shared by two entries, ignoring punctuation and width", async () => {
    const problems = await problemsOf({ "faq/c.md": faq("c", ["question: 问题丙", "alternates:", "  - 买房补贴有多少？"]) });
    expect(problems).toHaveLength(1);
    expect(`${problems[0]!.file} ${problems[0]!.message}`).toMatch(/housing-subsidy.*\bc\b|faq\/c.md.*housing-subsidy/);
  });

  it("reports a dictionary line without frequency and a word in two synonym groups", async () => {
    const problems = await problemsOf({
      "dict.txt": "# talentbot dict schemaVersion: 1\n人才周 n\n教资 100 n",
      "synonyms.txt": "# talentbot synonyms schemaVersion: 1\n子女 孩子\n小孩 孩子",
    });
    expect(problems).toEqual([
      expect.objectContaining({ file: "synonyms.txt", line: 3, message: expect.stringMatching(/"孩子" is already in the group on line 2/) }),
      expect.objectContaining({ file: "dict.txt", line: 2 }),
    ]);
  });

  it("requires schema versions and refuses unknown ones", async () => {
    const problems = await problemsOf({
      "synonyms.txt": "子女 孩子",
      "faq/d.md": ["---", "schemaVersion: 2", "id: d", "question: 问题丁", "---", "答案"].join("\n"),
    });
    expect(problems.map((p) => `${p.file}:${p.line} ${p.message}`)).toEqual([
      expect.stringMatching(/^faq\/d.md:2 schemaVersion 2 is not supported/),
      expect.stringMatching(/^synonyms.txt:1 first line must declare the format/),
    ]);
  });

  it("loads out-of-scope examples by subject, and the file is optional", async () => {
    const kb = await loadKnowledge(await writeMiniKb({ "out-of-scope.md": OUT_OF_SCOPE }));
    expect(kb.outOfScope).toEqual([
      {
        subject: "租房补贴",
        examples: [
          { text: "租房补贴怎么申请", line: 6 },
          { text: "租房有补助吗", line: 7 },
        ],
      },
      { subject: "落户", examples: [{ text: "人才落户要什么材料", line: 10 }] },
    ]);
    expect((await loadKnowledge(await writeMiniKb())).outOfScope).toEqual([]);
  });

  it("reports an out-of-scope example that is an FAQ phrasing, a repeated one, and stray lines", async () => {
    const problems = await problemsOf({
      "out-of-scope.md": ["---", "schemaVersion: 1", "---", "- 放在标题前面", "## 补贴", "- 买房补贴有多少？", "- 租房补贴", "- 租房补贴。", "随便写的一行", "## 空的"].join("\n"),
    });
    expect(problems.map((p) => `${p.file}:${p.line} ${p.message}`)).toEqual([
      expect.stringMatching(/^out-of-scope.md:4 "放在标题前面" comes before any subject heading/),
      expect.stringMatching(/^out-of-scope.md:9 .*neither a `## subject` heading nor/),
      expect.stringMatching(/^out-of-scope.md:10 subject "空的" has no example questions/),
      expect.stringMatching(/^out-of-scope.md:6 "买房补贴有多少？" is also a question or alternate of housing-subsidy/),
      expect.stringMatching(/^out-of-scope.md:8 "租房补贴。" is already listed on line 7/),
    ]);
    expect(problems[3]!.fix).toMatch(/remove it from out-of-scope.md if the FAQ answers it/);
  });

  it("loadKnowledge throws one KnowledgeError listing every problem", async () => {
    const dir = await writeMiniKb({ "bot.yaml": null, "faq/e.md": faq("e", ["question: 问题戊"], "") });
    const error = await loadKnowledge(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KnowledgeError);
    const ke = error as KnowledgeError;
    expect(ke.problems.map((p) => p.file).sort()).toEqual(["bot.yaml", "faq/e.md"]);
    expect(ke.message).toContain("faq/e.md:");
  });
});
