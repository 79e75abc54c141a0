import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, talentbot } from "../helpers/built-cli.js";
import { writeMiniKb } from "../helpers/mini-kb.js";

beforeAll(ensureBuilt, 120_000);

describe("talentbot kb check", () => {
  it("passes the shipped sample knowledge base", async () => {
    const r = await talentbot(["kb", "check"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/OK — 31 FAQ entries, 2 policy documents/);
  });

  it("fails with file, line and fix, and no stack trace", async () => {
    const dir = await writeMiniKb({ "faq/bad.md": "---\nschemaVersion: 1\nid: wrong-name\nquestion: 问题\n---\n答案" });
    const r = await talentbot(["kb", "check", "--knowledge", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('faq/bad.md:3: id "wrong-name" does not match the file name "bad.md"');
    expect(r.stderr).toContain("→ rename the file to wrong-name.md or set `id: bad`");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("ask refuses to start on an invalid knowledge base and says why", async () => {
    const dir = await writeMiniKb({ "faq/bad.md": "---\nschemaVersion: 1\nid: bad\nquestion: 问题\nsource:\n  doc: missing\n---\n答案" });
    const r = await talentbot(["ask", "入学材料", "--knowledge", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("talentbot cannot start: the knowledge base has 1 problem(s)");
    expect(r.stderr).toContain('source names document "missing"');
  });
});

describe("talentbot kb import", () => {
  it("turns a spreadsheet export into FAQ files that ask can answer", async () => {
    const dir = await writeMiniKb();
    const csv = join(dir, "export.csv");
    await writeFile(
      csv,
      "\uFEFFid,question,alternates,answer,source\r\n" + 'spouse-job,引进人才配偶能安排工作吗？,配偶就业|老婆工作怎么安排|爱人能调过来吗,"按""一人一策""协调安置，\r\n联系人社局。",rules#第三条\r\n',
      "utf8",
    );
    const r = await talentbot(["kb", "import", csv, "--knowledge", dir]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("imported 1 FAQ file(s)");
    const file = await readFile(join(dir, "faq/imported/spouse-job.md"), "utf8");
    expect(file).toContain("schemaVersion: 1");
    expect(file).toContain("  - 老婆工作怎么安排");
    expect(file).toContain('按"一人一策"协调安置，\n联系人社局。');
    const ask = await talentbot(["ask", "--json", "--knowledge", dir, "引进人才配偶能安排工作吗"]);
    expect(JSON.parse(ask.stdout)).toMatchObject({ status: "answered", faqId: "spouse-job", sources: [{ doc: "rules", article: "第三条" }] });
  });

  it("names the row and column of a bad line and imports nothing", async () => {
    const dir = await writeMiniKb();
    const csv = join(dir, "bad.csv");
    await writeFile(csv, "id,question,answer\nGood Id,问题,答案\n", "utf8");
    const r = await talentbot(["kb", "import", csv, "--knowledge", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bad.csv:2: id "Good Id" is empty or has characters other than a-z, 0-9 and -');
    expect(r.stderr).toContain("nothing imported");
  });
});
