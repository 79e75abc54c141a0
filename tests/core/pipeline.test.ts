import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { Bot, BotError } from "../../src/core/bot.js";
import { BUSY_TEXT, NOT_TEXT_TEXT, SUGGESTED_INTRO, TOO_FAST_TEXT } from "../../src/core/wording.js";
import { conversationStages } from "../../src/core/stages/index.js";
import { engineFor } from "../helpers/engine.js";
import { loadKnowledge } from "../../src/knowledge/load.js";
import { QuestionLog } from "../../src/log/question-log.js";
import { rawLogText } from "../log/helpers.js";
import { ALWAYS_SUGGEST, message, startTestBot } from "../helpers/bot-harness.js";
import { writeMiniKb } from "../helpers/mini-kb.js";
import { useTempDirs } from "../helpers/temp-dirs.js";
import { residentId } from "../log/helpers.js";

const tempDir = useTempDirs();

async function miniBot(options: Parameters<typeof startTestBot>[0] extends infer O ? Partial<O> : never = {}) {
  return startTestBot({ knowledgeDir: await writeMiniKb(), dataDir: await tempDir(), ...options });
}

const today = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
};

describe("conversation pipeline: answers and the question log", () => {
  it("answers an FAQ with its citation and a feedback offer, and counts it without storing the text", async () => {
    const bot = await miniBot();
    const [reply, ...more] = await bot.say("人才子女入学需要什么材料？");
    expect(more).toEqual([]);
    expect(reply!.text).toContain("提交申请表、人才证书、户口簿。");
    expect(reply!.citation).toEqual({ doc: "rules", article: "第一条", title: "示例细则" });
    expect(reply!.feedback).toBe(true);
    await bot.stop();
    const file = await bot.file();
    expect(file.entries).toEqual([]);
    expect(file.counters[today()]).toMatchObject({ questions: 1, answered: 1, faqHits: { "enroll-materials": 1 } });
    expect(JSON.stringify(file)).not.toContain("入学需要什么材料");
  });

  it("logs an unanswered question with where to reply, and groups rewordings from several askers", async () => {
    const bot = await miniBot();
    const [reply] = await bot.say("明天会下雨吗", { conversationId: "a", senderId: "a" });
    expect(reply!.text).toContain("抱歉，暂时无法回答。");
    expect(reply!.text).toContain("0000-1234"); // staff contact from bot.yaml
    await bot.say("明天下雨吗", { conversationId: "b", senderId: "b" });
    await bot.say("请问明天会下雨吗？", { conversationId: "c", senderId: "c", channel: "wecom" });
    await bot.say("火车票在哪里买", { conversationId: "d", senderId: "d" });
    await bot.stop();

    const file = await bot.file();
    const groups = [...file.groups].sort((x, y) => y.count - x.count);
    expect(groups.map((g) => [g.representative, g.count])).toEqual([
      ["明天会下雨吗", 3],
      ["火车票在哪里买", 1],
    ]);
    expect(groups[0]!.variants).toEqual(["明天会下雨吗", "明天下雨吗", "请问明天会下雨吗？"]);
    expect(groups[0]!.channels).toEqual(["web", "wecom"]);
    expect(file.entries[0]).toMatchObject({ channel: "web", conversationId: "a", senderId: "a", reason: "unanswered" });
    expect(file.counters[today()]).toMatchObject({ questions: 4, unanswered: 4 });
  });

  it("masks ID and phone numbers before anything is stored, end to end", async () => {
    const bot = await miniBot();
    const id = residentId("11010519491231002"); // valid check character
    const text = `我的身份证${id}，手机 138-1234-5678，座机0431-88886666，想问博士安家费`;
    await bot.say(text, { senderName: "张三 +86 139 1234 5678" });
    await bot.say("人工");
    await bot.stop();
    const raw = await readFile(join(bot.runtime.log.location), "utf8");
    for (const secret of [id, "1234-5678", "13812345678", "139 1234 5678", "88886666"]) expect(raw).not.toContain(secret);
    const file = await bot.file();
    const entry = file.entries[0]!;
    expect(entry.text).toContain(`${id.slice(0, 6)}********${id.slice(14)}`);
    expect(entry.text).toContain("138****5678");
    expect(entry.senderName).toContain("139****5678");
    expect(file.entries).toHaveLength(1); // 人工 hands over the same (masked) question: the entry becomes a request for a person
    expect(entry.reason).toBe("human");
  });

  it("keeps answering when the log cannot be written, and reports it", async () => {
    const bot = await miniBot();
    // A directory where the file must go: every write fails.
    await rm(bot.runtime.log.location);
    await mkdir(bot.runtime.log.location);
    const [reply] = await bot.say("明天会下雨吗");
    expect(reply!.text).toContain("抱歉，暂时无法回答。");
    expect(bot.reports.join("\n")).toMatch(/question log: cannot write .*questions\.json.*keeps answering/s);
    await bot.runtime.log.close().catch(() => undefined);
  });
});

describe("conversation pipeline: choices, commands and feedback", () => {
  it("picks a suggested FAQ by number, by Chinese ordinal and by its text", async () => {
    const bot = await miniBot({ build: { engine: ALWAYS_SUGGEST } });
    const [offer] = await bot.say("买房补贴申请要交材料吗");
    expect(offer!.text).toBe(SUGGESTED_INTRO);
    const choices = offer!.choices!;
    expect(choices[0]).toEqual({ label: "购房补贴怎么申请？", faqId: "housing-subsidy" });
    expect(choices.length).toBeGreaterThanOrEqual(2);

    const [picked] = await bot.say("1");
    expect(picked!.text).toContain("C类人才20万元，在线申请。");
    expect(picked!.feedback).toBe(true);

    await bot.say("买房补贴申请要交材料吗");
    const [second] = await bot.say("第二个");
    expect(second!.text).toContain(bot.runtime.live.engine.faq(choices[1]!.faqId)!.answer);
    expect(choices[1]!.faqId).not.toBe("housing-subsidy");

    await bot.say("买房补贴申请要交材料吗");
    const [outOfRange] = await bot.say("9");
    expect(outOfRange!.text).toMatch(/^请回复 1、2/);
    const [byText] = await bot.say("购房补贴怎么申请");
    expect(byText!.text).toContain("C类人才20万元");

    await bot.stop();
    const file = await bot.file();
    expect(file.counters[today()]).toMatchObject({ suggested: 3, answered: 3 });
    expect(file.counters[today()]!.faqHits["housing-subsidy"]).toBe(2);
  });

  it("says why before the choices when no entry may answer: another place's policy, the asker's own record; both are logged", async () => {
    const knowledgeDir = await writeMiniKb();
    const botYaml = join(knowledgeDir, "bot.yaml");
    await writeFile(botYaml, `${await readFile(botYaml, "utf8")}\njurisdiction: 示例市\n`);
    const bot = await startTestBot({ knowledgeDir, dataDir: await tempDir() });
    const [elsewhere] = await bot.say("深圳的购房补贴怎么申请？");
    expect(elsewhere!.text).toContain("本助手解答的是示例市的政策，深圳的规定请向当地有关部门咨询。");
    expect(elsewhere!.choices?.[0]).toEqual({ label: "购房补贴怎么申请？", faqId: "housing-subsidy" });
    const [own] = await bot.say("我的购房补贴申请审核到哪一步了？");
    expect(own!.text).toContain("个人的办理进度、成绩、结果等信息我这里查不到");
    expect(own!.text).toContain("0000-1234");
    expect(own!.choices?.[0]?.faqId).toBe("housing-subsidy");
    const [picked] = await bot.say("1");
    expect(picked!.text).toContain("C类人才20万元，在线申请。");
    await bot.stop();
    const file = await bot.file();
    expect(file.counters[today()]).toMatchObject({ suggested: 2 });
    expect(file.entries.length).toBe(2);
  });

  it("forgets the choices after the expiry time", async () => {
    let now = new Date("2024-03-01T09:00:00");
    const bot = await miniBot({ build: { engine: ALWAYS_SUGGEST }, bot: { conversationTtlMs: 60_000, now: () => now } });
    await bot.say("买房补贴有多少");
    now = new Date("2024-03-01T09:02:00");
    const [late] = await bot.say("1");
    expect(late!.text).not.toContain("C类人才20万元");
    await bot.stop();
  });

  it("hands 人工 to staff with the last question and gives the contact from bot.yaml", async () => {
    const bot = await miniBot();
    await bot.say("博士安家费怎么申请");
    const [reply] = await bot.say("转人工！");
    expect(reply!.text).toContain("博士安家费怎么申请");
    expect(reply!.text).toContain("0000-1234");
    expect(reply!.text).toContain("示例路1号");
    const [alone] = await bot.say("人工", { conversationId: "other", senderId: "other" });
    expect(alone!.text).toContain("已为您登记人工服务");
    await bot.stop();
    const file = await bot.file();
    const human = file.entries.filter((e) => e.reason === "human");
    expect(human.map((e) => [e.text, e.conversationId])).toEqual([
      ["博士安家费怎么申请", "conv-1"],
      ["人工", "other"],
    ]);
    expect(file.counters[today()]).toMatchObject({ human: 2 });
  });

  it("keeps one asker's question and the 人工 that follows it as one entry in one group", async () => {
    const bot = await miniBot();
    await bot.say("博士安家费怎么申请", { conversationId: "one", senderId: "one" });
    await bot.say("人工", { conversationId: "one", senderId: "one" });
    await bot.say("博士安家费如何申请", { conversationId: "two", senderId: "two" }); // someone else, same question
    await bot.stop();
    const file = await bot.file();
    expect(file.entries.map((e) => [e.text, e.conversationId, e.reason])).toEqual([
      ["博士安家费怎么申请", "one", "human"],
      ["博士安家费如何申请", "two", "unanswered"],
    ]);
    expect(file.groups).toHaveLength(2); // a request for a person is not shared with other askers
    expect(file.groups[0]).toMatchObject({ representative: "博士安家费怎么申请", count: 1, reasons: { human: 1 } });
    expect(file.counters[today()]).toMatchObject({ unanswered: 2, human: 1 });
  });

  it("keeps an answered question marked 不好 and the 人工 that follows as one entry", async () => {
    const bot = await miniBot();
    await bot.say("人才子女入学需要什么材料？", { conversationId: "one", senderId: "one" });
    await bot.say("不好", { conversationId: "one", senderId: "one" });
    await bot.say("人工", { conversationId: "one", senderId: "one" });
    await bot.stop();
    const file = await bot.file();
    expect(file.entries.map((e) => [e.text, e.reason])).toEqual([["人才子女入学需要什么材料？", "human"]]);
    expect(file.groups).toHaveLength(1);
    expect(file.counters[today()]).toMatchObject({ unhelpful: 1, human: 1 });
  });

  it("answers 谢谢 and 菜单 even while choices are pending", async () => {
    const bot = await miniBot({ build: { engine: ALWAYS_SUGGEST } });
    await bot.say("买房补贴有多少");
    expect((await bot.say("谢谢"))[0]!.text).toBe("不客气"); // the knowledge base's own wording
    expect((await bot.say("菜单"))[0]!.text).toContain("可以问我入学和补贴");
    await bot.stop();
  });

  it("logs 没帮助 with the FAQ it got; 好 / 不好 are feedback only after an answer", async () => {
    const bot = await miniBot();
    await bot.say("人才子女入学需要什么材料？");
    const [sorry] = await bot.say("没帮助");
    expect(sorry!.text).toContain("抱歉没能帮到您");
    await bot.say("购房补贴怎么申请？", { conversationId: "c2", senderId: "c2" });
    expect((await bot.say("好", { conversationId: "c2", senderId: "c2" }))[0]!.text).toContain("感谢您的反馈");
    await bot.say("购房补贴怎么申请？", { conversationId: "c3", senderId: "c3" });
    await bot.say("不好", { conversationId: "c3", senderId: "c3" });
    // Nothing waiting for feedback: "不好" is feedback without an answer, never a question for staff.
    const [plain] = await bot.say("不好", { conversationId: "c4", senderId: "c4" });
    expect(plain!.text).not.toContain("抱歉没能帮到您");
    // An answer, then another message, then 不好: the answer no longer waits; nothing reaches the queue.
    await bot.say("人才子女入学需要什么材料？", { conversationId: "c5", senderId: "c5" });
    await bot.say("明天会下雨吗", { conversationId: "c5", senderId: "c5" });
    expect((await bot.say("不好", { conversationId: "c5", senderId: "c5" }))[0]!.text).toContain("感谢您的反馈");
    expect((await bot.say("好", { conversationId: "c6", senderId: "c6" }))[0]!.text).toContain("感谢您的反馈");
    await bot.stop();
    const file = await bot.file();
    expect(file.entries.map((e) => e.text)).not.toContain("不好");
    expect(file.entries.map((e) => e.text)).not.toContain("好");
    const unhelpful = file.entries.filter((e) => e.reason === "unhelpful");
    expect(unhelpful.map((e) => [e.text, e.faqId])).toEqual([
      ["人才子女入学需要什么材料？", "enroll-materials"],
      ["购房补贴怎么申请？", "housing-subsidy"],
    ]);
    expect(file.counters[today()]!.unhelpful).toBe(2);
  });
});

describe("conversation pipeline: guards", () => {
  it("limits each sender to 10 messages per 30 s, says so once, and lets them in again later", async () => {
    let now = new Date("2024-03-01T09:00:00");
    const bot = await miniBot({ bot: { now: () => now } });
    for (let i = 0; i < 10; i++) expect(await bot.say(`谢谢`)).toHaveLength(1);
    expect((await bot.say("谢谢"))[0]!.text).toBe(TOO_FAST_TEXT);
    expect(await bot.say("谢谢")).toEqual([]); // told once, then quiet
    expect(await bot.say("谢谢", { senderId: "someone-else" })).toHaveLength(1);
    expect(await bot.say("谢谢", { channel: "console" })).toHaveLength(1); // the operator's console is exempt
    now = new Date("2024-03-01T09:00:31");
    expect((await bot.say("谢谢"))[0]!.text).toBe("不客气");
    await bot.stop();
  });

  it("asks to shorten a message over 500 characters instead of answering part of it, and logs nothing", async () => {
    const bot = await miniBot();
    const long = `人才子女入学需要什么材料${"。".repeat(490)}`;
    expect([...long].length).toBe(502);
    const [reply] = await bot.say(long);
    expect(reply!.text).toContain("超过了 500 字");
    expect(reply!.text).not.toContain("提交申请表");
    const [fits] = await bot.say(`人才子女入学需要什么材料${"。".repeat(488)}`);
    expect(fits!.text).toContain("提交申请表");
    await bot.stop();
    expect((await bot.file()).counters[today()]).toMatchObject({ questions: 1, answered: 1 });
  });

  it("explains that it reads text when it gets a picture or voice", async () => {
    const bot = await miniBot();
    expect((await bot.say("", { kind: "image" }))[0]!.text).toBe(NOT_TEXT_TEXT);
    expect((await bot.say("人才子女入学需要什么材料", { kind: "voice" }))[0]!.text).toBe(NOT_TEXT_TEXT);
    await bot.stop();
  });

  it("answers in a group only when mentioned or replied to", async () => {
    const bot = await miniBot();
    expect(await bot.say("人才子女入学需要什么材料", { isGroup: true, mentionsBot: false })).toEqual([]);
    const [reply] = await bot.say("人才子女入学需要什么材料", { isGroup: true, mentionsBot: true });
    expect(reply!.text).toContain("提交申请表");
    await bot.stop();
    expect((await bot.file()).counters[today()]!.questions).toBe(1);
  });
});

describe("error boundary", () => {
  it("answers 系统繁忙 when a middleware throws, reports a BotError with the cause, and keeps going", async () => {
    const engine = await engineFor(await loadKnowledge(await writeMiniKb()));
    const log = await QuestionLog.open({ retentionDays: 180, dataDir: await tempDir() });
    const errors: BotError[] = [];
    const bot = new Bot({ engine: () => engine, log })
      .use(
        async (ctx, next) => {
          if (ctx.message.text.startsWith("boom")) throw new TypeError("kaput");
          await next();
        },
        ...conversationStages(),
      )
      .catch((error) => {
        errors.push(error);
      });
    const sent: string[] = [];
    const replies = await bot.handle(message("boom 13812345678"), async (r) => void sent.push(r.text));
    expect(replies).toEqual([{ text: BUSY_TEXT }]);
    expect(sent).toEqual([BUSY_TEXT]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(BotError);
    expect(errors[0]!.cause).toBeInstanceOf(TypeError);
    expect(errors[0]!.message).toContain("kaput");
    expect(errors[0]!.maskedText).toBe("boom 138****5678");

    const [next] = await bot.handle(message("人才子女入学需要什么材料"));
    expect(next!.text).toContain("提交申请表");
    await log.close();
  });

  it("records the error in errors.jsonl when replying itself fails", async () => {
    const dataDir = await tempDir();
    const bot = await miniBot({ dataDir });
    await bot.runtime.bot.handle(message("人才子女入学 身份证 110105194912310021"), async () => {
      throw new Error("channel down");
    });
    const [line] = (await readFile(join(dataDir, "errors.jsonl"), "utf8")).trim().split("\n");
    const record = JSON.parse(line!) as { channel: string; text: string; cause: { message: string } };
    expect(record.channel).toBe("web");
    expect(record.cause.message).toBe("channel down");
    expect(record.text).not.toContain("110105194912310021");
    expect((await stat(join(dataDir, "errors.jsonl"))).mode & 0o777).toBe(0o600);
    expect(bot.reports.join("\n")).toContain("channel down");
    // still alive
    expect((await bot.say("人才子女入学需要什么材料"))[0]!.text).toContain("提交申请表");
    await bot.stop();
  });
});

describe("conversation pipeline: personal data never reaches the log file", () => {
  it("masks before deriving: no part of an e-mail address or a mistyped card number in text, normalized or matchKeys", async () => {
    const bot = await miniBot();
    await bot.say("我的邮箱zhangsan@example.com，人才公寓怎么申请", { conversationId: "p1", senderId: "p1" });
    await bot.say("银行卡号6222020200112233445，补贴什么时候到账", { conversationId: "p2", senderId: "p2" });
    await bot.say("人才\u0000公寓\u001b[31m在哪里\u0007", { conversationId: "p3", senderId: "p3" });
    await bot.stop();
    // Every file the log wrote (open work, monthly history, journal), as stored.
    const raw = await rawLogText(dirname(bot.runtime.log.location));
    const file = await bot.file();
    expect(file.entries).toHaveLength(3);
    for (const needle of ["zhangsan", "6222020200112233445", "0200112233"]) expect(raw).not.toContain(needle);
    expect(file.entries[0]!.normalized).not.toMatch(/zhangsan/);
    expect(file.groups.flatMap((g) => g.matchKeys).join(" ")).not.toMatch(/zhangsan|0200112233/);
    expect(raw).not.toMatch(/\\u0000|\\u001b|\\u0007/);
    expect(file.entries[2]!.text).toBe("人才公寓[31m在哪里");
  });
});
