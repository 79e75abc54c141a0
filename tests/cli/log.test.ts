import { existsSync } from "node:fs";
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli/main.js";
import { QuestionLog } from "../../src/log/question-log.js";
import type { QuestionToRecord } from "../../src/log/types.js";
import { captureOutput, startTestBot } from "../helpers/bot-harness.js";
import { writeMiniKb } from "../helpers/mini-kb.js";
import { copyShippedKnowledge, useTempDirs } from "../helpers/temp-dirs.js";

const tempDir = useTempDirs();

async function cli(...argv: string[]) {
  const io = captureOutput();
  const code = await run(argv, io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

const asked = (text: string, conversationId: string, normalized = text): QuestionToRecord => ({ text, normalized, channel: "web", conversationId, reason: "unanswered", candidates: [] });

const localToday = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
};

describe("talentbot log list / show / reply / dismiss (no bot running)", () => {
  it("lists groups by size, shows one, replies and dismisses, with clear errors", async () => {
    const dataDir = await tempDir();
    const log = await QuestionLog.open({ retentionDays: 180, dataDir });
    for (const [i, text] of ["博士安家费怎么申请", "博士安家费如何申请", "明天会下雨吗", "博士安家费怎么申请？"].entries()) await log.record(asked(text, `c${i}`));
    await log.close();
    const d = ["--data-dir", dataDir];

    const list = await cli("log", "list", ...d);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^g1 +open +×3 +博士安家费怎么申请\n.*web · unanswered 3\ng2 +open +×1 +明天会下雨吗/);
    const json = JSON.parse((await cli("log", "list", "--json", ...d)).out) as { id: string; count: number }[];
    expect(json.map((g) => [g.id, g.count])).toEqual([
      ["g1", 3],
      ["g2", 1],
    ]);

    expect((await cli("log", "list", "--since", "2999-01-01", ...d)).out).toBe("no question groups");
    expect((await cli("log", "list", "--since", localToday(), ...d)).out).toContain("博士安家费怎么申请");
    expect((await cli("log", "list", "--since", "yesterday", ...d)).err).toContain('--since "yesterday" is not a date; write it as YYYY-MM-DD');

    const show = await cli("log", "show", "g1", ...d);
    expect(show.out).toContain("group g1 · open · asked 3 time(s)");
    expect(show.out).toContain("  - 博士安家费如何申请");

    const reply = await cli("log", "reply", "g1", "请向人社局申请。", ...d);
    expect(reply.code).toBe(0);
    expect(reply.out).toContain("3 message(s) queued for delivery (web:c0, web:c1, web:c3) (no bot running; wrote");
    expect((await cli("log", "show", "g1", ...d)).out).toContain("replies waiting for delivery: 3");
    expect((await cli("log", "list", "--status", "replied", ...d)).out).toMatch(/^g1 +replied/);

    const dismiss = await cli("log", "dismiss", "g2", "--reason", "与人才政策无关", ...d);
    expect(dismiss.out).toContain("group g2 dismissed: 与人才政策无关");
    expect((await cli("log", "list", "--status", "open", ...d)).out).toBe("no question groups");

    const missing = await cli("log", "show", "g99", ...d);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/there is no question group "g99" in .*questions\.json; run `talentbot log list`/);
    expect(missing.err).not.toMatch(/\n\s+at /); // no stack trace
    expect((await cli("log", "list", "--status", "closed", ...d)).code).toBe(2);
    expect((await cli("log", "dismiss", "g1", ...d)).err).toContain("log dismiss needs --reason");
    expect((await cli("log", "promote", "g1", ...d)).err).toContain("needs either --faq-id NEW_ID");
    expect((await cli("log", "export", ...d)).code).toBe(2);
  });

  it("keeps control characters typed by staff out of the reply the asker gets and the dismiss reason", async () => {
    const dataDir = await tempDir();
    const log = await QuestionLog.open({ retentionDays: 180, dataDir });
    await log.record(asked("博士安家费怎么申请", "c0"));
    await log.record(asked("明天会下雨吗", "c1"));
    await log.close();
    const d = ["--data-dir", dataDir];
    expect((await cli("log", "reply", "g1", "请\u001b[31m向人社局\u0007申请\u202e。", ...d)).code).toBe(0);
    expect((await cli("log", "dismiss", "g2", "--reason", "无关\u0000\u001b]0;x\u0007", ...d)).code).toBe(0);
    const reopened = await QuestionLog.open({ retentionDays: 180, dataDir });
    const [message] = await reopened.pendingOutbox();
    const dismissed = (await reopened.listGroups({ status: "dismissed" }))[0];
    await reopened.close();
    expect(message?.text).toBe("请[31m向人社局申请。");
    expect(dismissed?.dismissReason).toBe("无关]0;x");
  });

  it("falls back to the file when admin.json is left over from a bot that died", async () => {
    const dataDir = await tempDir();
    await writeFile(join(dataDir, "admin.json"), JSON.stringify({ schemaVersion: 1, pid: 2 ** 22 + 17, url: "http://127.0.0.1:9", token: "x", knowledgeDir: "/nowhere", startedAt: "" }));
    const list = await cli("log", "list", "--data-dir", dataDir);
    expect(list.code).toBe(0);
    expect(list.out).toBe("no question groups");
  });
});

describe("talentbot log promote", () => {
  it("writes a new FAQ from a group, after which `ask` answers it (temp copy of knowledge/)", async () => {
    const parent = await tempDir();
    const knowledgeDir = await copyShippedKnowledge(parent);
    const dataDir = await tempDir();
    const bot = await startTestBot({ knowledgeDir, dataDir });
    const [first] = await bot.say("博士安家费怎么申请", { conversationId: "a" });
    await bot.say("博士安家费如何申请", { conversationId: "b" });
    await bot.say("我的电话13812345678，博士安家费怎么申请", { conversationId: "c" });
    await bot.stop();
    expect(first!.feedback, "precondition: the shipped knowledge does not answer this question yet").toBeUndefined();
    const groups = (await bot.file()).groups;
    expect(groups).toHaveLength(1);
    const id = groups[0]!.id;

    const before = await cli("ask", "博士安家费怎么申请", "--knowledge", knowledgeDir);
    expect(before.out).not.toContain("faq phd-settlement");

    const answer = "博士研究生安家费20万元，入职后向人社局申请，分三年发放。";
    const promote = await cli("log", "promote", id, "--faq-id", "phd-settlement", "--answer", answer, "--data-dir", dataDir, "--knowledge", knowledgeDir);
    expect(promote.err).toBe("");
    expect(promote.code).toBe(0);
    expect(promote.out).toContain(`wrote new FAQ phd-settlement: ${join(knowledgeDir, "faq/phd-settlement.md")}`);
    expect(promote.out).toContain('skipped "我的电话138****5678，博士安家费怎么申请": contains masked personal data');
    expect(promote.out).toContain("no bot is running");

    const file = await readFile(join(knowledgeDir, "faq/phd-settlement.md"), "utf8");
    expect(file).toMatch(
      /^---\nschemaVersion: 1\nid: phd-settlement\nquestion: 博士安家费怎么申请\nalternates:\n {2}- 博士安家费如何申请\nupdated: "?\d{4}-\d{2}-\d{2}"?\nsample: false\n---\n博士研究生安家费20万元/,
    );

    const after = await cli("ask", "博士安家费怎么申请", "--knowledge", knowledgeDir);
    expect(after.out).toContain(answer);
    expect(after.out).toContain("status answered · faq phd-settlement");
    expect((await cli("kb", "check", "--knowledge", knowledgeDir)).code).toBe(0);
    expect((await cli("log", "show", id, "--data-dir", dataDir)).out).toContain("promoted to FAQ: phd-settlement");

    const again = await cli("log", "promote", id, "--faq-id", "phd-2", "--answer", "x", "--data-dir", dataDir, "--knowledge", knowledgeDir);
    expect(again.code).toBe(1);
    expect(again.err).toContain('was already promoted to FAQ "phd-settlement"');
  });

  it("promotes a question listed as out of scope only with --remove-out-of-scope, removing it (and an emptied subject) from the file", async () => {
    const knowledgeDir = await writeMiniKb({
      "out-of-scope.md": ["---", "schemaVersion: 1", "---", "## 人才公寓", "- 人才公寓怎么申请", "- 人才公寓租金多少", "", "## 公寓物业", "- 怎样申请人才公寓", "", "## 落户", "- 怎么落户", ""].join(
        "\n",
      ),
    });
    expect((await cli("kb", "check", "--knowledge", knowledgeDir)).code).toBe(0);
    const dataDir = await tempDir();
    const log = await QuestionLog.open({ retentionDays: 180, dataDir });
    const { groupId } = await log.record(asked("人才公寓怎么申请", "a"));
    await log.record(asked("怎样申请人才公寓", "b", "人才公寓怎么申请"));
    await log.close();
    const d = ["--data-dir", dataDir, "--knowledge", knowledgeDir];
    const args = ["log", "promote", groupId, "--faq-id", "talent-apartment", "--answer", "向住建部门申请。", ...d];

    const refused = await cli(...args);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("out-of-scope.md:5  ## 人才公寓  - 人才公寓怎么申请");
    expect(refused.err).toContain("out-of-scope.md:9  ## 公寓物业  - 怎样申请人才公寓");
    expect(refused.err).toContain("run the promote again with --remove-out-of-scope");
    expect(existsSync(join(knowledgeDir, "faq/talent-apartment.md"))).toBe(false);

    const promoted = await cli(...args, "--remove-out-of-scope");
    expect(promoted.err).toBe("");
    expect(promoted.code).toBe(0);
    expect(promoted.out).toContain('removed from out-of-scope.md (the FAQ answers them now): "人才公寓怎么申请", "怎样申请人才公寓"');
    expect(await readFile(join(knowledgeDir, "out-of-scope.md"), "utf8")).toBe(["---", "schemaVersion: 1", "---", "## 人才公寓", "- 人才公寓租金多少", "", "## 落户", "- 怎么落户", ""].join("\n"));
    expect((await cli("kb", "check", "--knowledge", knowledgeDir)).code).toBe(0);
    expect((await cli("ask", "人才公寓怎么申请", "--knowledge", knowledgeDir)).out).toContain("faq talent-apartment");
  });

  it("adds a group's questions to an existing FAQ, keeping the staff's comments and layout", async () => {
    const knowledgeDir = await writeMiniKb({
      "faq/housing-subsidy.md": [
        "---",
        "schemaVersion: 1",
        "id: housing-subsidy",
        "# 2024 年口径，改动前请问人社局",
        "question: 购房补贴怎么申请？",
        "alternates:",
        "  - 买房补贴有多少  # 常见问法",
        "  - 买房有补助吗",
        "sample: true",
        "---",
        "C类人才20万元，在线申请。",
        "",
      ].join("\n"),
    });
    const dataDir = await tempDir();
    const log = await QuestionLog.open({ retentionDays: 180, dataDir });
    const { groupId } = await log.record(asked("人才买房补贴发几年", "a"));
    await log.record(asked("人才买房补贴发几年？", "b"));
    await log.record(asked("人才买房补贴分几年发", "c"));
    await log.record(asked("买房有补助吗", "d", "人才买房补贴发几年")); // grouped by its normalised form
    expect((await log.getGroup(groupId))!.group.count).toBe(4);
    await log.close();

    const promote = await cli("log", "promote", groupId, "--to", "housing-subsidy", "--data-dir", dataDir, "--knowledge", knowledgeDir);
    expect(promote.code).toBe(0);
    expect(promote.out).toContain("added 2 alternate(s) to FAQ housing-subsidy");
    expect(promote.out).toContain('skipped "买房有补助吗": already a phrasing of FAQ housing-subsidy');
    const text = await readFile(join(knowledgeDir, "faq/housing-subsidy.md"), "utf8");
    expect(text).toBe(
      [
        "---",
        "schemaVersion: 1",
        "id: housing-subsidy",
        "# 2024 年口径，改动前请问人社局",
        "question: 购房补贴怎么申请？",
        "alternates:",
        "  - 买房补贴有多少 # 常见问法",
        "  - 买房有补助吗",
        "  - 人才买房补贴发几年",
        "  - 人才买房补贴分几年发",
        "sample: true",
        "---",
        "C类人才20万元，在线申请。",
        "",
      ].join("\n"),
    );
    expect((await cli("kb", "check", "--knowledge", knowledgeDir)).code).toBe(0);
  });

  it("refuses what would break the knowledge base, and leaves the files as they were", async () => {
    const knowledgeDir = await writeMiniKb();
    const dataDir = await tempDir();
    const log = await QuestionLog.open({ retentionDays: 180, dataDir });
    const { groupId } = await log.record(asked("入学材料清单", "a"));
    await log.close();
    const d = ["--data-dir", dataDir, "--knowledge", knowledgeDir];

    const taken = await cli("log", "promote", groupId, "--faq-id", "enroll-materials", "--answer", "x", ...d);
    expect(taken.err).toContain('FAQ "enroll-materials" exists already (faq/enroll-materials.md); choose another id, or add the questions to it with --to enroll-materials');
    const duplicate = await cli("log", "promote", groupId, "--faq-id", "enroll-list", "--answer", "x", ...d);
    expect(duplicate.err).toContain('"入学材料清单" is already a question of FAQ "enroll-materials"');
    const noAnswer = await cli("log", "promote", groupId, "--faq-id", "enroll-list", "--question", "入学材料有哪些", ...d);
    expect(noAnswer.err).toContain("has no staff reply to use as the answer; give one with --answer");
    const badId = await cli("log", "promote", groupId, "--faq-id", "Enroll_List", "--answer", "x", ...d);
    expect(badId.err).toContain('FAQ id "Enroll_List" may contain only a-z, 0-9 and -');
    expect((await cli("kb", "check", "--knowledge", knowledgeDir)).out).toContain("2 FAQ entries");
    expect((await cli("log", "list", "--status", "open", "--data-dir", dataDir)).out).toMatch(/^g1 +open/);
  });
});

describe("talentbot log export", () => {
  it("writes the monthly report as CSV: per-day counts, answered rate, top FAQs, top open groups", async () => {
    const dataDir = await tempDir();
    const bot = await startTestBot({ knowledgeDir: await writeMiniKb(), dataDir });
    await bot.say("人才子女入学需要什么材料？");
    await bot.say("孩子上学要准备哪些材料");
    await bot.say("购房补贴怎么申请？");
    await bot.say("明天会下雨吗");
    await bot.stop();
    const today = localToday();
    const month = today.slice(0, 7);

    const csv = await cli("log", "export", "--month", month, "--format", "csv", "--data-dir", dataDir);
    expect(csv.code).toBe(0);
    const rows = csv.out.replace(/^\uFEFF/, "").split("\r\n");
    expect(rows[0]).toBe(`月度报告,${month}`);
    expect(rows[2]).toBe("日期,消息数,已回答,给出建议,摘录回答,未能回答,闲聊,转人工,反馈无帮助,回答率");
    expect(rows).toContain(`${today},4,3,0,0,1,0,0,0,75.0%`);
    expect(rows).toContain("合计,4,3,0,0,1,0,0,0,75.0%");
    expect(rows).toContain("enroll-materials,2");
    expect(rows).toContain("housing-subsidy,1");
    expect(rows.find((r) => r.startsWith("g1,"))).toMatch(/^g1,明天会下雨吗,1,1,/);

    const out = join(dataDir, "report.csv");
    expect((await cli("log", "export", "--month", month, "--out", out, "--data-dir", dataDir)).out).toContain(`written to ${out}`);
    expect((await readFile(out, "utf8")).startsWith(`\uFEFF月度报告,${month}\r\n`)).toBe(true);
    expect((await stat(out)).mode & 0o777).toBe(0o600); // it quotes askers' questions
    const json = JSON.parse((await cli("log", "export", "--month", month, "--format", "json", "--data-dir", dataDir)).out) as { total: { questions: number } };
    expect(json.total.questions).toBe(4);
    expect((await cli("log", "export", "--month", "2024-13", "--data-dir", dataDir)).err).toContain('"2024-13" is not a month');
  });
});

describe("talentbot log out-of-scope", () => {
  it("turns a group into out-of-scope examples, after which `ask` no longer answers it from an FAQ (temp copy of knowledge/)", async () => {
    const knowledgeDir = await copyShippedKnowledge(await tempDir());
    const dataDir = await tempDir();
    const question = "会计证考试报名入口";
    const before = await cli("ask", question, "--knowledge", knowledgeDir);
    expect(before.out, "precondition: the shipped knowledge answers it with where recruitment notices are published").toContain("status answered · faq recruit-announcement-channel");

    const log = await QuestionLog.open({ retentionDays: 180, dataDir });
    for (const [i, text] of [question, "会计证考试在哪里报名", "购房补贴怎么申请？", "我的电话13812345678，会计证考试报名入口在哪"].entries()) {
      await log.record({ ...asked(text, `c${i}`, "会计证考试报名"), reason: "unhelpful" });
    }
    await log.close();
    const [group] = JSON.parse((await cli("log", "list", "--json", "--data-dir", dataDir)).out) as { id: string }[];

    const missing = await cli("log", "out-of-scope", group!.id, "--data-dir", dataDir, "--knowledge", knowledgeDir);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("needs --subject");

    const marked = await cli("log", "out-of-scope", group!.id, "--subject", "会计证考试", "--data-dir", dataDir, "--knowledge", knowledgeDir);
    expect(marked.err).toBe("");
    expect(marked.code).toBe(0);
    expect(marked.out).toContain(`added 2 out-of-scope example(s) under "## 会计证考试": ${join(knowledgeDir, "out-of-scope.md")}`);
    expect(marked.out).toContain('skipped "购房补贴怎么申请？": a phrasing of FAQ housing-subsidy');
    expect(marked.out).toContain("contains masked personal data");
    expect(marked.out).toContain(`group ${group!.id} is now dismissed (不在问答范围：会计证考试)`);
    expect(await readFile(join(knowledgeDir, "out-of-scope.md"), "utf8")).toMatch(/\n## 会计证考试\n- 会计证考试报名入口\n- 会计证考试在哪里报名\n$/);

    const after = await cli("ask", question, "--knowledge", knowledgeDir);
    expect(after.out).not.toContain("status answered");
    expect(after.out).toContain(`nearest out-of-scope example: ${question} 1`);
    expect((await cli("kb", "check", "--knowledge", knowledgeDir)).code).toBe(0);
  });
});

describe("talentbot log list / show --zh", () => {
  it("uses the console's Chinese labels for staff who read the terminal", async () => {
    const dataDir = await tempDir();
    const log = await QuestionLog.open({ retentionDays: 180, dataDir });
    await log.record(asked("博士安家费怎么申请", "a"));
    await log.record({ ...asked("博士安家费如何申请", "b"), channel: "console", reason: "suggested" });
    await log.close();
    const d = ["--data-dir", dataDir];
    const list = await cli("log", "list", "--zh", ...d);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^g1 +待处理 +×2 +博士安家费怎么申请\n +最近 .* · 网页、终端 · 未能回答 1，给出建议 1$/);
    const show = await cli("log", "show", "g1", "--zh", ...d);
    expect(show.out).toContain("问题组 g1 · 待处理 · 共 2 次");
    expect(show.out).toContain("渠道：    网页、终端");
    expect(show.out).toMatch(/q2 +\S+ \S+ +终端 +给出建议 +博士安家费如何申请/);
    expect(show.out).not.toMatch(/\b(open|unanswered|suggested|web|console)\b/);
    expect((await cli("log", "list", "--zh", "--status", "dismissed", ...d)).out).toBe("没有问题组");
  });
});

describe("talentbot log list / show: control characters in an older log", () => {
  it("prints them escaped, never raw into the staff terminal", async () => {
    const dataDir = await tempDir();
    const log = await QuestionLog.open({ retentionDays: 180, dataDir });
    await log.record(asked("人才公寓怎么申请", "c1"));
    await log.close();
    // A file written before the log stripped control characters.
    // Open work (the group) is in questions.json, the question itself in questions/<month>.entries.jsonl.
    const file = join(dataDir, "questions.json");
    const hostile = "人才公寓\u001b[31m怎么\u0007申请\u0000\u202E";
    const data = JSON.parse(await readFile(file, "utf8")) as { groups: { representative: string; variants: string[] }[] };
    data.groups[0]!.representative = hostile;
    data.groups[0]!.variants = [hostile];
    await writeFile(file, JSON.stringify(data));
    const history = join(dataDir, "questions");
    for (const name of (await readdir(history)).filter((n) => n.endsWith(".entries.jsonl"))) {
      const text = await readFile(join(history, name), "utf8");
      await writeFile(join(history, name), text.replace(JSON.stringify("人才公寓怎么申请"), JSON.stringify(hostile)));
    }
    const d = ["--data-dir", dataDir];
    for (const argv of [
      ["log", "list", ...d],
      ["log", "show", "g1", ...d],
      ["log", "list", "--json", ...d],
      ["log", "show", "g1", "--json", ...d],
    ]) {
      const { code, out } = await cli(...argv);
      expect(code).toBe(0);
      expect(out).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202E]/);
      expect(out).toContain("人才公寓");
    }
    expect((await cli("log", "show", "g1", ...d)).out).toContain("人才公寓\\x1B[31m怎么\\x07申请\\x00\\u202E");
    const json = JSON.parse((await cli("log", "show", "g1", "--json", ...d)).out) as { group: { representative: string } };
    expect(json.group.representative).toBe(hostile); // still the same text, only escaped in transit
  });

  it("shows a line break typed into a question as ⏎, so it never prints as a second entry", async () => {
    const dataDir = await tempDir();
    const log = await QuestionLog.open({ dataDir, retentionDays: 180 });
    const forged = "人才公寓怎么申请\n  q99  2024-01-01 09:00  web  unanswered  假的一条";
    await log.record(asked(forged, "n1"));
    await log.close();
    const d = ["--data-dir", dataDir];
    const show = (await cli("log", "show", "g1", ...d)).out;
    expect(show).toContain("人才公寓怎么申请 ⏎   q99");
    expect(show.split("\n").filter((line) => line.includes("假的一条"))).toHaveLength(3); // question, variant, entry: each one line
    expect(show).not.toMatch(/^\s+q99/m);
    expect((await cli("log", "list", ...d)).out.split("\n")[0]).toContain("人才公寓怎么申请 ⏎");
  });
});
