import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { engineFor } from "../helpers/engine.js";
import { loadKnowledge } from "../../src/knowledge/load.js";
import { readEmbeddedLog } from "../../src/log/embedded-store.js";
import { waitFor } from "../helpers/bot-harness.js";
import { cleanEnv, ensureBuilt, startTalentbot, talentbot, type RunningCli } from "../helpers/built-cli.js";
import { writeMiniKb } from "../helpers/mini-kb.js";
import { useTempDirs } from "../helpers/temp-dirs.js";

// These tests run bin/talentbot.js as a user would, in child processes.
const tempDir = useTempDirs();
const running: RunningCli[] = [];
afterEach(() => {
  for (const bot of running.splice(0)) bot.child.kill("SIGKILL");
});
beforeAll(ensureBuilt, 120_000);

const faq = (id: string, question: string, alternate: string, answer: string) =>
  ["---", "schemaVersion: 1", `id: ${id}`, `question: ${question}`, "alternates:", `  - ${alternate}`, "sample: true", "---", answer].join("\n");

describe("talentbot chat (stdin not a terminal)", () => {
  it("reads one message per line, offers numbered choices, takes a number, and logs what staff should see", async () => {
    // Several FAQs about 公寓 that short questions fit about equally well. The engine's
    // thresholds are being tuned, so take the first of these questions it answers with choices.
    const knowledgeDir = await writeMiniKb({
      "faq/apartment-apply.md": faq("apartment-apply", "人才公寓怎么申请？", "怎样申请人才公寓", "人才公寓向住建部门在线申请。"),
      "faq/apartment-rent.md": faq("apartment-rent", "人才公寓租金是多少？", "人才公寓租金标准", "人才公寓租金为市场价的一半。"),
      "faq/apartment-youth.md": faq("apartment-youth", "青年公寓在哪里？", "青年公寓地址", "青年公寓在东区。"),
      "faq/apartment-expert.md": faq("apartment-expert", "专家公寓在哪里？", "专家公寓地址", "专家公寓在西区。"),
    });
    const engine = await engineFor(await loadKnowledge(knowledgeDir));
    let question: string | undefined;
    for (const q of ["公寓", "人才公寓的事", "公寓的问题", "人才公寓", "公寓在哪里"]) {
      const a = await engine.ask(q);
      if (a.status === "suggested" && a.suggestions.length >= 2) {
        question = q;
        break;
      }
    }
    expect(question, "fixture: none of the questions gets choices any more; add a more ambiguous one").toBeDefined();
    const answers = new Map(engine.kb.faqs.map((f) => [f.question, f.answer]));

    const dataDir = await tempDir();
    const result = await talentbot(["chat", "--knowledge", knowledgeDir, "--data-dir", dataDir], { input: `${question!}\n2\n明天会下雨吗\n` });
    expect(result.stderr).toContain("stopping (all channels ended)");
    expect(result.code).toBe(0);

    const blocks = result.stdout.split("\n\n");
    expect(blocks[0]).toMatch(/^您是不是想问：\n1\. .+\n2\. .+\n(3\. .+\n)?回复 1、2(、3)? 查看答案，或换个说法再问。$/);
    const second = /\n2\. (.+)\n/.exec(blocks[0]!)![1]!;
    expect(blocks[1]).toBe(`${answers.get(second)!}\n这个回答有帮助吗？回复 好 / 不好`); // no citation in these FAQs
    expect(result.stdout).toContain("抱歉，暂时无法回答。");

    const log = await readEmbeddedLog(dataDir);
    expect(log.entries.map((e) => [e.text, e.reason, e.channel])).toEqual([
      [question, "suggested", "console"],
      ["明天会下雨吗", "unanswered", "console"],
    ]);
  });
});

describe("talentbot start with staff commands from another process", () => {
  it("hands log reply / promote to the running bot, which delivers the reply to the console and reloads", async () => {
    const knowledgeDir = await writeMiniKb();
    const dataDir = await tempDir();
    const bot = startTalentbot(["start", "--knowledge", knowledgeDir, "--data-dir", dataDir]);
    running.push(bot);
    await waitFor(() => bot.stderr().includes("running (pid"), "the bot to start", 20_000);
    expect(bot.stderr()).toMatch(/console +on +stdin is not a terminal/);

    bot.write("博士安家费怎么申请");
    await waitFor(() => bot.stdout().includes("抱歉，暂时无法回答。"), "the bot's answer");

    const list = await talentbot(["log", "list", "--json", "--data-dir", dataDir]);
    const [group] = JSON.parse(list.stdout) as { id: string; representative: string }[];
    expect(group!.representative).toBe("博士安家费怎么申请");

    const reply = await talentbot(["log", "reply", group!.id, "博士安家费请向人社局申请，20万元分三年发放。", "--data-dir", dataDir]);
    expect(reply.stderr).toBe("");
    expect(reply.stdout).toContain(`(carried out by the running bot (pid ${bot.child.pid}))`);
    await waitFor(() => bot.stdout().includes("博士安家费请向人社局申请，20万元分三年发放。"), "the staff reply printed by the console");
    expect(bot.stdout()).toContain("关于您咨询的“博士安家费怎么申请”，工作人员答复如下：");

    // The bot holds the log: a second bot on the same data directory is refused, clearly.
    const second = await talentbot(["chat", "--knowledge", knowledgeDir, "--data-dir", dataDir], { input: "" });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`another talentbot process \\(pid ${bot.child.pid}\\) is using .*questions\\.json`));

    // Promote with the reply as the answer; the bot writes the FAQ and reloads at once.
    const promote = await talentbot(["log", "promote", group!.id, "--faq-id", "phd-settlement", "--data-dir", dataDir]);
    expect(promote.stdout).toContain(`wrote new FAQ phd-settlement: ${join(knowledgeDir, "faq/phd-settlement.md")}`);
    expect(promote.stdout).toContain("the running bot reloaded the knowledge base: 3 FAQ entries");
    expect(promote.code).toBe(0);

    const before = bot.stdout().length;
    bot.write("博士安家费怎么申请");
    await waitFor(() => bot.stdout().slice(before).includes("这个回答有帮助吗"), "the answer from the new FAQ");
    expect(bot.stdout().slice(before)).toContain("博士安家费请向人社局申请，20万元分三年发放。");

    bot.child.stdin!.end();
    expect(await bot.exited).toBe(0);
    expect(existsSync(join(dataDir, "admin.json"))).toBe(false);
    const show = await talentbot(["log", "show", group!.id, "--data-dir", dataDir]);
    expect(show.stdout).toContain("promoted to FAQ: phd-settlement");
    expect(show.stdout).not.toContain("replies waiting for delivery");
  });
});

describe("npm start (talentbot start) with no settings but the web off", () => {
  // With the web on (the default) start keeps serving after the console ends: tests/web/start.test.ts.
  it("runs the console on the shipped knowledge with data/ in the current directory, and stops cleanly at end of input", async () => {
    const cwd = await tempDir();
    const result = await talentbot(["start"], { cwd, env: cleanEnv() }); // stdin is /dev/null: at EOF at once
    expect(result.stderr).toMatch(/console +on /);
    expect(result.stderr).toContain("stopping (all channels ended)");
    expect(result.code).toBe(0);
    expect(existsSync(join(cwd, "data", "questions.json"))).toBe(true);
    expect(existsSync(join(cwd, "data", "questions.json.lock"))).toBe(false);
  });

  it("says why it does not run when no channel is on", async () => {
    const result = await talentbot(["start", "--data-dir", await tempDir()], { env: cleanEnv({ TALENTBOT_CONSOLE: "off" }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/console +off +TALENTBOT_CONSOLE=off/);
    expect(result.stderr).toContain("no channel is on");
  });
});
