import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { PuppetMock, mock } from "wechaty-puppet-mock";
import type { BotRuntime } from "../../src/app/runtime.js";
import { WechatChannel, wechatRegistration } from "../../src/channels/wechat.js";
import type { EngineOptions } from "../../src/core/engine.js";
import { NOT_STAFF_TEXT, NOT_TEXT_TEXT, STAFF_PRIVATE_ONLY_TEXT } from "../../src/core/wording.js";
import { LogDesk } from "../../src/staff/desk.js";
import { ALWAYS_SUGGEST, startTestBot, waitFor } from "../helpers/bot-harness.js";
import { MINI_DIALOGUE, MINI_ELIGIBILITY, expectMiniResult } from "../helpers/mini-eligibility.js";
import { writeMiniKb } from "../helpers/mini-kb.js";
import { useTempDirs } from "../helpers/temp-dirs.js";

// The real wechaty with wechaty-puppet-mock: a mocker holds the contacts and a room; people
// "say" things to the bot; the bot's replies are watched as its own `message` events (m.self()).

const tempDir = useTempDirs();
let knowledgeDir: string;
beforeAll(async () => {
  knowledgeDir = await writeMiniKb();
});

/** wechaty-puppet's MessageType values used here. */
const TYPE = { Unknown: 0, Audio: 2, Image: 6, Text: 7, Recalled: 13 } as const;

interface Said {
  text: string;
  /** The contact a direct message went to, or undefined. */
  to?: string;
  /** The room a message went to, or undefined. */
  room?: string;
}

type ContactMock = ReturnType<mock.Mocker["createContact"]>;

interface WechatBot {
  channel: WechatChannel;
  runtime: BotRuntime;
  mocker: mock.Mocker;
  puppet: PuppetMock;
  botUser: ContactMock;
  asker: ContactMock;
  other: ContactMock;
  room: ReturnType<mock.Mocker["createRoom"]>;
  reports: string[];
  qr: () => string;
  /** Everything the bot itself said, in order. */
  said: Said[];
  /** Waits until the bot has said `count` things to `who` (a contact or the room). */
  expectSaid(who: { id: string }, count: number): Promise<string[]>;
  /** A message with a payload of our choosing (type, time, sender), as the puppet would report it. */
  inject(payload: { talkerId: string; type: number; text?: string; timestamp?: number; listenerId?: string; roomId?: string }): void;
  stop(): Promise<void>;
}

const running: WechatBot[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((bot) => bot.stop()));
});

/** `otherIsStaff`: 李四's contact id is in the channel's staff ids (TALENTBOT_WECHAT_STAFF). */
async function startWechatBot(options: { engine?: Partial<EngineOptions>; login?: boolean; knowledge?: string; otherIsStaff?: boolean } = {}): Promise<WechatBot> {
  const mocker = new mock.Mocker();
  const botUser = mocker.createContact({ name: "政策助手" });
  const asker = mocker.createContact({ name: "张三" });
  const other = mocker.createContact({ name: "李四" });
  const room = mocker.createRoom({ topic: "人才政策交流群", memberIdList: [botUser.id, asker.id, other.id] });
  const puppet = new PuppetMock({ mocker });
  let qr = "";
  const qrOutput = new PassThrough();
  qrOutput.on("data", (chunk: Buffer) => (qr += chunk.toString("utf8")));
  const channel = new WechatChannel({ puppet, session: false, qrOutput, ...(options.otherIsStaff ? { staffIds: [other.id] } : {}) });
  const { runtime, reports } = await startTestBot({
    knowledgeDir: options.knowledge ?? knowledgeDir,
    dataDir: await tempDir(),
    channels: [channel],
    outbox: { intervalMs: 100, retryDelayMs: 100 },
    ...(options.engine ? { build: { engine: options.engine } } : {}),
  });
  const said: Said[] = [];
  channel.wechaty!.on("message", (m) => {
    if (!m.self()) return;
    const roomId = m.room()?.id;
    const to = m.listener()?.id;
    said.push({ text: m.text(), ...(roomId ? { room: roomId } : {}), ...(to ? { to } : {}) });
  });
  if (options.login !== false) {
    mocker.login(botUser);
    await waitFor(() => reports.some((l) => l.includes("wechat: logged in as")), "the mock login");
  }
  const saidTo = (who: { id: string }) => said.filter((s) => s.to === who.id || s.room === who.id).map((s) => s.text);
  const bot: WechatBot = {
    channel,
    runtime,
    mocker,
    puppet,
    botUser,
    asker,
    other,
    room,
    reports,
    qr: () => qr,
    said,
    async expectSaid(who, count) {
      await waitFor(() => saidTo(who).length >= count, `${count} message(s) from the bot to ${who.id} (got ${JSON.stringify(saidTo(who))})`);
      return saidTo(who);
    },
    inject(payload) {
      const id = randomUUID();
      mocker.MessageMock.create({ id, timestamp: Date.now(), ...payload } as never);
      puppet.emit("message", { messageId: id });
    },
    stop: () => runtime.stop(),
  };
  running.push(bot);
  return bot;
}

/** Lets messages in flight arrive (for "nothing happened" checks). */
const settle = () => new Promise((r) => setTimeout(r, 150));

describe("WeChat channel with wechaty-puppet-mock", () => {
  it("answers a direct question with its citation and 回复 好 / 不好; 不好 is logged", async () => {
    const bot = await startWechatBot();
    bot.asker.say("人才子女入学需要什么材料？").to(bot.botUser);
    const [answer] = await bot.expectSaid(bot.asker, 1);
    expect(answer).toContain("提交申请表、人才证书、户口簿。");
    expect(answer).toContain("依据：《示例细则》第一条");
    expect(answer).toMatch(/这个回答有帮助吗？回复 好 \/ 不好$/);

    bot.asker.say("不好").to(bot.botUser);
    const [, sorry] = await bot.expectSaid(bot.asker, 2);
    expect(sorry).toContain("抱歉没能帮到您");
    await waitFor(async () => (await bot.runtime.log.listGroups()).length > 0, "the 不好 to be logged"); // the log writes after the reply went out
    const [group] = await bot.runtime.log.listGroups();
    expect(group).toMatchObject({ representative: "人才子女入学需要什么材料？", reasons: { unhelpful: 1 }, channels: ["wechat"] });
    expect((await bot.runtime.log.getGroup(group!.id))!.entries[0]).toMatchObject({ conversationId: `contact:${bot.asker.id}`, senderId: bot.asker.id, senderName: "张三" });
  });

  it("shows Markdown **bold** without the stars (WeChat has no formatting)", async () => {
    const knowledge = await writeMiniKb({
      "faq/markup.md": ["---", "schemaVersion: 1", "id: markup", "question: 年龄条件是什么？", "sample: true", "---", "**年龄**：一般 35 周岁以下，**博士** 40 周岁以下。"].join("\n"),
    });
    const bot = await startWechatBot({ knowledge });
    bot.asker.say("年龄条件是什么？").to(bot.botUser);
    const [answer] = await bot.expectSaid(bot.asker, 1);
    expect(answer).toMatch(/^年龄：一般 35 周岁以下，博士 40 周岁以下。\n这个回答有帮助吗？/);
  });

  it("offers choices as a numbered list; 回复 1 picks the first", async () => {
    const bot = await startWechatBot({ engine: ALWAYS_SUGGEST });
    bot.asker.say("孩子上学要准备哪些材料").to(bot.botUser);
    const [choices] = await bot.expectSaid(bot.asker, 1);
    expect(choices).toMatch(/^您是不是想问：\n1\. 人才子女入学需要什么材料？\n/);
    expect(choices).toMatch(/回复 1(、\d)* 查看答案，或换个说法再问。$/);
    bot.asker.say("1").to(bot.botUser);
    const [, answer] = await bot.expectSaid(bot.asker, 2);
    expect(answer).toContain("提交申请表、人才证书、户口簿。");
  });

  it("logs an unknown question; a staff reply is delivered to the asker's chat and to the room", async () => {
    const bot = await startWechatBot();
    bot.asker.say("明天会下雨吗").to(bot.botUser);
    const [unknown] = await bot.expectSaid(bot.asker, 1);
    expect(unknown).toContain("抱歉，暂时无法回答。");
    bot.other.say("@政策助手 明天会下雨吗？", [bot.botUser]).to(bot.room);
    const [inRoom] = await bot.expectSaid(bot.room, 1);
    expect(inRoom).toMatch(/^@李四 抱歉，暂时无法回答。/);

    await waitFor(async () => (await bot.runtime.log.listGroups())[0]?.count === 2, "both questions to be logged in one group");
    const [group] = await bot.runtime.log.listGroups({ status: "open" });
    const desk = new LogDesk(bot.runtime.log, { knowledgeDir, afterReply: () => void bot.runtime.outbox.deliver() });
    const { queued } = await desk.reply(group!.id, "明天多云，不会下雨。");
    expect(queued.map((m) => m.conversationId).sort()).toEqual([`contact:${bot.asker.id}`, `room:${bot.room.id}`].sort());
    const [, delivered] = await bot.expectSaid(bot.asker, 2);
    expect(delivered).toBe("关于您咨询的“明天会下雨吗”，工作人员答复如下：\n明天多云，不会下雨。");
    const [, roomDelivered] = await bot.expectSaid(bot.room, 2);
    expect(roomDelivered).toBe("关于您咨询的“明天会下雨吗？”，工作人员答复如下：\n明天多云，不会下雨。");
    await waitFor(async () => (await bot.runtime.log.pendingOutbox("wechat")).length === 0, "the outbox to be marked sent");
  });

  it("lets a staff sender (TALENTBOT_WECHAT_STAFF) use /pending and /reply in a private chat; refuses anyone else", async () => {
    const bot = await startWechatBot({ otherIsStaff: true });
    bot.asker.say("明天会下雨吗").to(bot.botUser);
    await bot.expectSaid(bot.asker, 1);
    await waitFor(async () => (await bot.runtime.log.listGroups()).length > 0, "the question to be logged");
    const [group] = await bot.runtime.log.listGroups({ status: "open" });

    // Not staff: refused, and the operator is told the sender's id (to add it to the staff ids).
    bot.asker.say("/pending").to(bot.botUser);
    const [, refused] = await bot.expectSaid(bot.asker, 2);
    expect(refused).toBe(NOT_STAFF_TEXT);
    expect(refused).not.toContain(group!.id);
    expect(bot.reports).toContain(`talentbot: /pending from wechat sender ${bot.asker.id} refused: not one of the channel's staff`);

    // Staff: the open groups, then a reply that reaches the asker.
    bot.other.say("/pending").to(bot.botUser);
    const [pending] = await bot.expectSaid(bot.other, 1);
    expect(pending).toContain(`${group!.id} ×1  明天会下雨吗`);
    bot.other.say(`/reply ${group!.id} 明天多云，不会下雨。`).to(bot.botUser);
    const [, done] = await bot.expectSaid(bot.other, 2);
    expect(done).toBe(`已答复 ${group!.id}：答复将发给 1 位提问者。`);
    const [, , delivered] = await bot.expectSaid(bot.asker, 3);
    expect(delivered).toBe("关于您咨询的“明天会下雨吗”，工作人员答复如下：\n明天多云，不会下雨。");

    // In the room, even staff are sent to the private chat.
    bot.other.say("@政策助手 /pending", [bot.botUser]).to(bot.room);
    const [inRoom] = await bot.expectSaid(bot.room, 1);
    expect(inRoom).toBe(`@李四 ${STAFF_PRIVATE_ONLY_TEXT}`);

    // None of the commands is a question in the log.
    const groups = await bot.runtime.log.listGroups();
    expect(groups.map((g) => [g.representative, g.count])).toEqual([["明天会下雨吗", 1]]);
  });

  it("answers an image or a voice message with the core's text reply", async () => {
    const bot = await startWechatBot();
    bot.inject({ talkerId: bot.asker.id, listenerId: bot.botUser.id, type: TYPE.Image });
    bot.inject({ talkerId: bot.asker.id, listenerId: bot.botUser.id, type: TYPE.Audio });
    const replies = await bot.expectSaid(bot.asker, 2);
    expect(replies).toEqual([NOT_TEXT_TEXT, NOT_TEXT_TEXT]);
  });

  it("in a room answers only when @-mentioned, with an @mention of the asker", async () => {
    const bot = await startWechatBot();
    bot.asker.say("人才子女入学需要什么材料？").to(bot.room);
    bot.inject({ talkerId: bot.asker.id, roomId: bot.room.id, type: TYPE.Image }); // an image in the room addresses nobody
    await settle();
    expect(bot.said).toEqual([]);
    bot.asker.say("@政策助手 人才子女入学需要什么材料？", [bot.botUser]).to(bot.room);
    const [answer] = await bot.expectSaid(bot.room, 1);
    expect(answer).toMatch(/^@张三 提交申请表、人才证书、户口簿。/);
    bot.asker.say("@李四 你知道吗", [bot.other]).to(bot.room); // mentions someone else
    await settle();
    expect(bot.said).toHaveLength(1);
    expect(await bot.runtime.log.listGroups()).toEqual([]); // unaddressed room messages are neither answered nor logged
  });

  it("ignores its own messages, messages from before login, official accounts and system notices", async () => {
    const bot = await startWechatBot();
    bot.botUser.say("人才子女入学需要什么材料？").to(bot.asker); // the bot's own account writing (e.g. from the phone)
    bot.inject({ talkerId: bot.asker.id, listenerId: bot.botUser.id, type: TYPE.Text, text: "购房补贴怎么申请", timestamp: Date.now() - 3600_000 });
    const account = bot.mocker.createContact({ name: "某某公众号", type: 2 });
    bot.inject({ talkerId: account.id, listenerId: bot.botUser.id, type: TYPE.Text, text: "购房补贴怎么申请" });
    bot.inject({ talkerId: bot.asker.id, listenerId: bot.botUser.id, type: TYPE.Unknown, text: "你撤回了一条消息" });
    bot.inject({ talkerId: bot.asker.id, listenerId: bot.botUser.id, type: TYPE.Recalled, text: "1" });
    await settle();
    expect(bot.said).toEqual([{ text: "人才子女入学需要什么材料？", to: bot.asker.id }]); // only what the bot account itself sent
    // And a real new message is still answered.
    bot.asker.say("购房补贴怎么申请").to(bot.botUser);
    const [answer] = await bot.expectSaid(bot.asker, 2).then((all) => all.slice(1));
    expect(answer).toContain("C类人才20万元");
  });

  it("draws the login QR code in the terminal and reports login and logout; stops cleanly", async () => {
    const bot = await startWechatBot({ login: false });
    bot.mocker.scan("https://login.weixin.qq.com/l/test-qr", 2);
    await waitFor(() => bot.qr().includes("█") || bot.qr().includes("▄"), "the QR code drawing");
    expect(bot.reports.join("\n")).toContain("talentbot: wechat: scan this QR code with WeChat");
    bot.mocker.login(bot.botUser);
    await waitFor(() => bot.reports.some((l) => l.includes("talentbot: wechat: logged in as 政策助手")), "the login report");
    await bot.stop();
    expect(bot.channel.wechaty!.isLoggedIn).toBe(false);
    await expect(bot.channel.send(`contact:${bot.asker.id}`, { text: "x" })).rejects.toThrow(/not logged in/);
  });

  it("runs a whole eligibility check with numbered replies, in a room keeping each member's answers apart", async () => {
    const bot = await startWechatBot({ knowledge: await writeMiniKb(MINI_ELIGIBILITY) });
    bot.asker.say("政策计算器").to(bot.botUser);
    let said = await bot.expectSaid(bot.asker, 1);
    for (const [i, step] of MINI_DIALOGUE.entries()) {
      const prompt = said[i]!;
      expect(prompt).toContain(`第 ${i + 1} 题：${step.question}`);
      step.choices.forEach((label, n) => expect(prompt).toContain(`${n + 1}. ${label}`));
      // Numbered replies, as a WeChat user types them; a number for the age.
      const reply = step.choices.length > 0 ? String((step.choices as readonly string[]).indexOf(step.answer) + 1) : step.answer;
      bot.asker.say(reply).to(bot.botUser);
      said = await bot.expectSaid(bot.asker, i + 2);
    }
    expectMiniResult(said.at(-1)!, expect);
    expect(said.at(-1)).not.toContain("**"); // WeChat shows no Markdown

    // In the room, two members' checks do not mix: 李四's "2" answers his own first question.
    bot.asker.say("@政策助手 政策计算器", [bot.botUser]).to(bot.room);
    await bot.expectSaid(bot.room, 1);
    bot.other.say("@政策助手 政策计算器", [bot.botUser]).to(bot.room);
    await bot.expectSaid(bot.room, 2);
    bot.asker.say("@政策助手 1", [bot.botUser]).to(bot.room);
    const afterAsker = await bot.expectSaid(bot.room, 3);
    expect(afterAsker[2]).toContain("第 2 题：您多少周岁？");
    bot.other.say("@政策助手 2", [bot.botUser]).to(bot.room);
    const afterOther = await bot.expectSaid(bot.room, 4);
    expect(afterOther[3]).toContain("第 2 题：您多少周岁？");
    bot.other.say("@政策助手 30", [bot.botUser]).to(bot.room);
    await bot.expectSaid(bot.room, 5);
    bot.other.say("@政策助手 2", [bot.botUser]).to(bot.room);
    const done = await bot.expectSaid(bot.room, 6);
    expect(done[5]).toMatch(/可以享受（1 项）[\s\S]*人才公寓/);
    expect(done[5]).toContain("（您的回答：不是人才）");
    expect((await bot.runtime.log.listGroups()).length).toBe(0);
  });
});

describe("WeChat registration (talentbot start)", () => {
  const base = { stdin: new PassThrough(), stdout: new PassThrough(), greeting: "您好" };

  it("is off without WECHATY_PUPPET, and says what to set", () => {
    expect(wechatRegistration.setup({ ...base, env: {} })).toEqual({ on: false, reason: "set WECHATY_PUPPET (e.g. wechaty-puppet-wechat4u)" });
  });

  it("reads the staff's contact ids from TALENTBOT_WECHAT_STAFF", () => {
    const setup = wechatRegistration.setup({ ...base, env: { WECHATY_PUPPET: "wechaty-puppet-wechat4u", TALENTBOT_WECHAT_STAFF: "wxid_abc, @0f3e9a；wxid_abc" } });
    expect(setup).toMatchObject({ on: true, note: expect.stringContaining("staff ids wxid_abc, @0f3e9a;") });
    expect(wechatRegistration.setup({ ...base, env: { WECHATY_PUPPET: "wechaty-puppet-wechat4u" } })).toMatchObject({ note: expect.stringContaining("no staff ids (TALENTBOT_WECHAT_STAFF)") });
  });

  it("is on with an installed puppet, off with a missing one or a service without token", () => {
    expect(wechatRegistration.setup({ ...base, env: { WECHATY_PUPPET: "wechaty-puppet-wechat4u" } })).toMatchObject({ on: true, note: expect.stringContaining("QR code") });
    expect(wechatRegistration.setup({ ...base, env: { WECHATY_PUPPET: "wechaty-puppet-nonexistent" } })).toMatchObject({ on: false, reason: expect.stringContaining("is not installed") });
    expect(wechatRegistration.setup({ ...base, env: { WECHATY_PUPPET: "wechaty-puppet-service" } })).toMatchObject({ on: false, reason: expect.stringContaining("WECHATY_PUPPET_SERVICE_TOKEN") });
    expect(wechatRegistration.setup({ ...base, env: { WECHATY_PUPPET: "wechaty-puppet-service", WECHATY_PUPPET_SERVICE_TOKEN: "t" } }).on).toBe(true);
  });
});

describe("wechat channel: the login file", () => {
  it("keeps <data dir>/wechat.memory-card.json readable by the bot's user only (0600)", async () => {
    const dataDir = await tempDir();
    const mocker = new mock.Mocker();
    const botUser = mocker.createContact({ name: "政策助手" });
    const channel = new WechatChannel({ puppet: new PuppetMock({ mocker }), qrOutput: new PassThrough() });
    const { runtime, reports } = await startTestBot({ knowledgeDir, dataDir, channels: [channel] });
    mocker.login(botUser);
    await waitFor(() => reports.some((l) => l.includes("wechat: logged in as")), "the mock login");
    await runtime.stop();
    const card = join(dataDir, "wechat.memory-card.json");
    expect((await stat(card)).mode & 0o777).toBe(0o600);
    expect(() => JSON.parse(readFileSync(card, "utf8")) as unknown).not.toThrow();
  });
});
