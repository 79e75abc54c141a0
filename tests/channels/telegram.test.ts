import { PassThrough } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import type { BotRuntime } from "../../src/app/runtime.js";
import { BUTTON_GONE_TEXT, TELEGRAM_TEXT_LIMIT, TelegramChannel, WEBHOOK_SECRET_HEADER, splitText, telegramRegistration, toTelegramHtml } from "../../src/channels/telegram/index.js";
import type { EngineOptions } from "../../src/core/engine.js";
import { NOT_STAFF_TEXT, NOT_TEXT_TEXT, UNKNOWN_COMMAND_TEXT, greetingText, menuText } from "../../src/core/wording.js";
import { readEmbeddedLog } from "../../src/log/embedded-store.js";
import { ALWAYS_SUGGEST, startTestBot, waitFor } from "../helpers/bot-harness.js";
import { MINI_DIALOGUE, MINI_ELIGIBILITY, expectMiniResult } from "../helpers/mini-eligibility.js";
import { writeMiniKb } from "../helpers/mini-kb.js";
import { FaultyProxy, badGateway, startEmulator, tooManyRequests } from "../helpers/telegram-emulator.js";
import { useTempDirs } from "../helpers/temp-dirs.js";

// The real telegraf client against telegram-test-api (a Bot API emulator) on 127.0.0.1, with a
// recording, fault-injecting proxy in between; the real runtime (engine, question log, outbox).

const tempDir = useTempDirs();
let emulator: TelegramServer;
let knowledgeDir: string;
const STAFF_ID = 900;
/** The emulator's getMe: { id: 666, username: "TestNameBot" }. */
const BOT_ID = 666;
const BOT_NAME = "TestNameBot";

beforeAll(async () => {
  emulator = await startEmulator();
  knowledgeDir = await writeMiniKb();
});
afterAll(async () => {
  await emulator.stop();
});

interface BotMessage {
  id: number;
  text: string;
  keyboard: { text: string; callback_data: string }[][] | undefined;
  replyTo: number | undefined;
  parseMode: string | undefined;
}

interface TelegramBot {
  token: string;
  dataDir: string;
  channel: TelegramChannel;
  runtime: BotRuntime;
  proxy: FaultyProxy;
  reports: string[];
  /** A person writing to the bot: private chat with chat id = user id, unless told otherwise. */
  user(userId: number, options?: { chatId?: number; type?: "private" | "group" }): ReturnType<TelegramServer["getClient"]>;
  /** What the bot sent into a chat so far, oldest first. */
  sent(chatId: number): BotMessage[];
  /** Waits until the bot has sent `count` messages into the chat; returns them all. */
  expectSent(chatId: number, count: number): Promise<BotMessage[]>;
  /** Presses an inline button of one of the bot's messages. */
  press(userId: number, message: BotMessage, data: string, chatId?: number): Promise<void>;
  stop(): Promise<void>;
}

const running: TelegramBot[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((bot) => bot.stop()));
});

let tokens = 0;
async function startTelegramBot(options: { engine?: Partial<EngineOptions>; knowledge?: string; webhook?: { url: string; secret: string } } = {}): Promise<TelegramBot> {
  const token = `${++tokens}00:TEST-token-${Math.random().toString(36).slice(2)}`;
  const proxy = await FaultyProxy.start(emulator.config.apiURL);
  const channel = new TelegramChannel({
    token,
    apiRoot: proxy.url,
    staffIds: [String(STAFF_ID)],
    minPollIntervalMs: 25, // the emulator answers getUpdates at once: do not spin
    retryDelayMs: 20,
    maxRetryDelayMs: 200,
    ...(options.webhook ? { webhookUrl: options.webhook.url, webhookSecret: options.webhook.secret } : {}),
  });
  const dataDir = await tempDir();
  const { runtime, reports } = await startTestBot({
    knowledgeDir: options.knowledge ?? knowledgeDir,
    dataDir,
    channels: [channel],
    outbox: { intervalMs: 100, retryDelayMs: 100 },
    ...(options.engine ? { build: { engine: options.engine } } : {}),
  });
  const sent = (chatId: number): BotMessage[] =>
    emulator.storage.botMessages
      .filter((u) => u.botToken === token && String(u.message.chat_id) === String(chatId))
      .map((u) => {
        const m = u.message as unknown as { text: string; reply_markup?: { inline_keyboard?: BotMessage["keyboard"] }; reply_parameters?: { message_id: number }; parse_mode?: string };
        return { id: u.messageId, text: m.text, keyboard: m.reply_markup?.inline_keyboard, replyTo: m.reply_parameters?.message_id, parseMode: m.parse_mode };
      });
  const bot: TelegramBot = {
    token,
    dataDir,
    channel,
    runtime,
    proxy,
    reports,
    user: (userId, o = {}) => emulator.getClient(token, { userId, chatId: o.chatId ?? userId, type: o.type ?? "private", firstName: `User${userId}`, userName: `user${userId}` }),
    sent,
    async expectSent(chatId, count) {
      await waitFor(() => sent(chatId).length >= count, `${count} message(s) from the bot in chat ${chatId} (got: ${JSON.stringify(sent(chatId).map((m) => m.text))})`);
      return sent(chatId);
    },
    async press(userId, message, data, chatId = userId) {
      const client = bot.user(userId, { chatId, type: chatId < 0 ? "group" : "private" });
      await client.sendCallback(client.makeCallbackQuery(data, { message: { message_id: message.id } }));
    },
    stop: async () => {
      await runtime.stop();
      await proxy.close();
    },
  };
  running.push(bot);
  return bot;
}

const say = async (bot: TelegramBot, userId: number, text: string) => {
  const client = bot.user(userId);
  await client.sendMessage(client.makeMessage(text));
};
const command = async (bot: TelegramBot, userId: number, text: string) => {
  const client = bot.user(userId);
  await client.sendCommand(client.makeCommand(text));
};
const labels = (message: BotMessage) => (message.keyboard ?? []).flat().map((b) => b.text);

describe("Telegram channel against a Bot API emulator", () => {
  it("answers a question with its citation and 👍/👎 buttons; 👎 is logged and the buttons go away", async () => {
    const bot = await startTelegramBot();
    await say(bot, 101, "人才子女入学需要什么材料？");
    const [answer] = await bot.expectSent(101, 1);
    expect(answer!.text).toContain("提交申请表、人才证书、户口簿。");
    expect(answer!.text).toContain("依据：《示例细则》第一条");
    expect(labels(answer!)).toEqual(["👍 有帮助", "👎 没帮助"]);
    expect(answer!.replyTo).toBeUndefined(); // private chat: no quoting

    await bot.press(101, answer!, answer!.keyboard![0]![1]!.callback_data);
    const [, sorry] = await bot.expectSent(101, 2);
    expect(sorry!.text).toContain("抱歉没能帮到您");
    await waitFor(async () => (await bot.runtime.log.listGroups()).length > 0, "the 没帮助 to be logged"); // the log writes after the reply went out
    expect((await bot.runtime.log.listGroups())[0]).toMatchObject({ representative: "人才子女入学需要什么材料？", reasons: { unhelpful: 1 } });
    await waitFor(() => bot.sent(101)[0]!.keyboard?.length === 0, "the 👍/👎 buttons to be removed");
    expect(bot.proxy.count("answerCallbackQuery")).toBe(1);
    expect(bot.proxy.calls).not.toContain("?"); // every call was a Bot API method
  });

  it("offers choices as an inline keyboard; pressing one answers it", async () => {
    const bot = await startTelegramBot({ engine: ALWAYS_SUGGEST });
    await say(bot, 102, "孩子上学要准备哪些材料");
    const [choices] = await bot.expectSent(102, 1);
    expect(choices!.text).toBe("您是不是想问：");
    expect(labels(choices!)[0]).toBe("1. 人才子女入学需要什么材料？");
    for (const button of choices!.keyboard!.flat()) expect(Buffer.byteLength(button.callback_data)).toBeLessThanOrEqual(64);

    await bot.press(102, choices!, choices!.keyboard![0]![0]!.callback_data);
    const [, answer] = await bot.expectSent(102, 2);
    expect(answer!.text).toContain("提交申请表、人才证书、户口簿。");
    expect(answer!.text).toContain("依据：《示例细则》第一条");
    expect(labels(answer!)).toEqual(["👍 有帮助", "👎 没帮助"]);
    const file = await bot.runtime.log.listGroups();
    expect(file.map((g) => [g.representative, g.reasons])).toEqual([["孩子上学要准备哪些材料", { suggested: 1 }]]);
  });

  it("runs a whole eligibility check: choices as buttons, numbers typed, 返回 mid-way; the result cites its articles", async () => {
    const bot = await startTelegramBot({ knowledge: await writeMiniKb(MINI_ELIGIBILITY) });
    await say(bot, 130, "我能享受哪些政策");
    let sent = await bot.expectSent(130, 1);
    let count = 1;
    for (const [i, step] of MINI_DIALOGUE.entries()) {
      const prompt = sent[count - 1]!;
      expect(prompt.text).toContain(`第 ${i + 1} 题：${step.question}`);
      expect(labels(prompt)).toEqual(step.choices.map((label, n) => `${n + 1}. ${label}`));
      if (step.choices.length > 0) {
        const index = (step.choices as readonly string[]).indexOf(step.answer);
        await bot.press(130, prompt, prompt.keyboard![index]![0]!.callback_data);
      } else await say(bot, 130, step.answer);
      sent = await bot.expectSent(130, ++count);
      if (i === 1) {
        // 返回 from the third question: the age is asked again, then answered again.
        await say(bot, 130, "返回");
        sent = await bot.expectSent(130, ++count);
        expect(sent[count - 1]!.text).toContain("第 2 题：您多少周岁？");
        await say(bot, 130, step.answer);
        sent = await bot.expectSent(130, ++count);
      }
    }
    const result = sent.at(-1)!;
    expectMiniResult(result.text, expect);
    expect(result.text).toContain("<b>政策计算器结果</b>");
    expect(result.keyboard).toBeUndefined();
    expect((await bot.runtime.bot.services.eligibility.snapshot()).checks).toBe(1);
    expect(await bot.runtime.log.listGroups()).toEqual([]);
  });

  it("logs an unknown question; a staff /reply reaches the asker; anyone else is refused", async () => {
    const bot = await startTelegramBot();
    await say(bot, 103, "明天会下雨吗");
    const [unknown] = await bot.expectSent(103, 1);
    expect(unknown!.text).toContain("抱歉，暂时无法回答。");
    await waitFor(async () => (await bot.runtime.log.listGroups()).length > 0, "the question to be logged"); // written after the reply went out
    const [group] = await bot.runtime.log.listGroups({ status: "open" });
    expect(group).toMatchObject({ representative: "明天会下雨吗", channels: ["telegram"] });

    // Not staff: refused, nothing changes.
    await command(bot, 104, `/reply ${group!.id} 随便答一句`);
    await command(bot, 104, "/pending");
    const refused = await bot.expectSent(104, 2);
    expect(refused.map((m) => m.text)).toEqual([NOT_STAFF_TEXT, NOT_STAFF_TEXT]);
    expect((await bot.runtime.log.getGroup(group!.id))!.group.status).toBe("open");

    // Staff: /pending lists the group, /reply answers it.
    await command(bot, STAFF_ID, "/pending");
    const [pending] = await bot.expectSent(STAFF_ID, 1);
    expect(pending!.text).toContain(`${group!.id} ×1  明天会下雨吗`);
    await command(bot, STAFF_ID, `/reply ${group!.id} 明天多云，不会下雨。`);
    const [, done] = await bot.expectSent(STAFF_ID, 2);
    expect(done!.text).toBe(`已答复 ${group!.id}：答复将发给 1 位提问者。`);

    const [, delivered] = await bot.expectSent(103, 2);
    expect(delivered!.text).toBe("关于您咨询的“明天会下雨吗”，工作人员答复如下：\n明天多云，不会下雨。");
    expect((await bot.runtime.log.getGroup(group!.id))!.group.status).toBe("replied");
    await waitFor(async () => (await bot.runtime.log.pendingOutbox("telegram")).length === 0, "the outbox to be marked sent");

    // A staff mistake gets the desk's explanation, not a crash.
    await command(bot, STAFF_ID, "/reply g999 答复");
    await command(bot, STAFF_ID, "/reply");
    const [, , unknownGroup, usage] = await bot.expectSent(STAFF_ID, 4);
    expect(unknownGroup!.text).toMatch(/^未能答复：没有编号为 g999 的问题组/);
    expect(usage!.text).toMatch(/^用法：\/reply 问题组编号 答复内容/);
  });

  it("answers a sticker (and a photo without caption) with the core's text reply", async () => {
    const bot = await startTelegramBot();
    const client = bot.user(105);
    const base = { ...client.makeMessage(""), text: undefined };
    await emulator.addUserMessage({ ...base, sticker: { file_id: "s1", file_unique_id: "u1", type: "regular", width: 512, height: 512, is_animated: false, is_video: false, emoji: "👍" } } as never);
    await emulator.addUserMessage({ ...base, photo: [{ file_id: "p1", file_unique_id: "u2", width: 90, height: 90 }] } as never);
    const replies = await bot.expectSent(105, 2);
    expect(replies.map((m) => m.text)).toEqual([NOT_TEXT_TEXT, NOT_TEXT_TEXT]);
  });

  it("meets a forged, stale or foreign callback with a polite note, and keeps working", async () => {
    const bot = await startTelegramBot();
    await say(bot, 106, "人才子女入学需要什么材料？");
    const [answer] = await bot.expectSent(106, 1);
    const genuine = answer!.keyboard![0]![0]!.callback_data;

    await bot.press(106, answer!, "c:AAAAAAAA:0"); // well-formed, never issued (or issued before a restart)
    await bot.press(106, answer!, "rm -rf /; 有帮助"); // not our format at all
    await bot.press(106, answer!, genuine.replace(/:0$/, ":7")); // a button that was never on the keyboard
    await bot.press(107, answer!, genuine); // someone else's keyboard, pressed from another chat
    const notes = await bot.expectSent(106, 4);
    expect(notes.slice(1).map((m) => m.text)).toEqual([BUTTON_GONE_TEXT, BUTTON_GONE_TEXT, BUTTON_GONE_TEXT]);
    const [note107] = await bot.expectSent(107, 1);
    expect(note107!.text).toBe(BUTTON_GONE_TEXT);
    expect(await bot.runtime.log.listGroups()).toEqual([]); // none of them reached the core as feedback

    await bot.press(106, answer!, genuine); // the real 👍 still works
    const all = await bot.expectSent(106, 5);
    expect(all[4]!.text).toContain("感谢您的反馈");
  });

  it("in a group answers only when @-mentioned or replied to, quoting the question", async () => {
    const bot = await startTelegramBot();
    const member = bot.user(108, { chatId: -500, type: "group" });
    await member.sendMessage(member.makeMessage("人才子女入学需要什么材料？"));
    const mention = `@${BOT_NAME}`;
    await member.sendMessage(member.makeMessage(`${mention} 人才子女入学需要什么材料？`, { entities: [{ type: "mention", offset: 0, length: mention.length }] }));
    const [answer] = await bot.expectSent(-500, 1);
    expect(answer!.text).toContain("提交申请表、人才证书、户口簿。");
    const asked = emulator.storage.userMessages.filter((u) => u.botToken === bot.token && "message" in u && (u.message as { text?: string }).text?.startsWith(mention));
    expect(answer!.replyTo).toBe(asked[0]!.messageId);

    // A reply to one of the bot's messages counts as addressing it.
    await member.sendMessage(
      member.makeMessage("购房补贴怎么申请", {
        reply_to_message: { message_id: answer!.id, date: 0, chat: { id: -500, type: "group", title: "g" }, from: { id: BOT_ID, is_bot: true, first_name: "Bot" } },
      } as never),
    );
    const [, second] = await bot.expectSent(-500, 2);
    expect(second!.text).toContain("C类人才20万元");
    // The unaddressed first message got nothing and was not counted as a question.
    await new Promise((r) => setTimeout(r, 150));
    expect(bot.sent(-500)).toHaveLength(2);
  });

  it("greets on /start and /help through the core (its wording, counted like 菜单), the bot.yaml examples as buttons that ask them", async () => {
    const bot = await startTelegramBot();
    const kb = bot.runtime.live.engine.kb;
    await command(bot, 109, "/start");
    const [greeting] = await bot.expectSent(109, 1);
    expect(greeting!.text).toBe(`${greetingText(kb.bot)}\n\n您可以这样问（点按即可提问）：`);
    expect(greeting!.text).toMatch(/^您好\n\n您可以这样问/);
    expect(labels(greeting!)).toEqual(["子女入学需要什么材料"]);
    await bot.press(109, greeting!, greeting!.keyboard![0]![0]!.callback_data);
    const [, answer] = await bot.expectSent(109, 2);
    expect(answer!.text).toContain("提交申请表、人才证书、户口簿。");

    await command(bot, 109, "/help");
    await command(bot, STAFF_ID, "/help");
    const [, , help] = await bot.expectSent(109, 3);
    expect(help!.text).toBe(`${menuText(kb.bot)}\n\n您可以这样问（点按即可提问）：`);
    expect(help!.text).toMatch(/^可以问我入学和补贴/);
    expect(help!.text).not.toContain("/reply");
    const [staffHelp] = await bot.expectSent(STAFF_ID, 1);
    expect(staffHelp!.text).toContain("/reply 问题组编号 答复内容");
    await command(bot, 109, "/nonsense");
    const [, , , unknown] = await bot.expectSent(109, 4);
    expect(unknown!.text).toBe(UNKNOWN_COMMAND_TEXT);

    // Counted by the core as 菜单 is (small talk); the unknown command is neither counted nor logged.
    const { dataDir } = bot;
    await bot.stop();
    const file = await readEmbeddedLog(dataDir);
    expect(Object.values(file.counters)[0]).toMatchObject({ questions: 4, smalltalk: 3, answered: 1 });
    expect(file.entries).toEqual([]);
  });

  it("splits a long answer at Telegram's 4096 limit, buttons under the last piece", async () => {
    const paragraph = "第一段说明：长答案需要分成几条消息发送，每条都不能超过电报的字数上限。".repeat(20); // 720 characters
    const answer = Array.from({ length: 12 }, () => paragraph).join("\n\n");
    const knowledge = await writeMiniKb({
      "faq/long-answer.md": ["---", "schemaVersion: 1", "id: long-answer", "question: 超长答案怎么发送？", "sample: true", "---", answer].join("\n"),
    });
    const bot = await startTelegramBot({ knowledge });
    await say(bot, 110, "超长答案怎么发送？");
    await waitFor(() => bot.sent(110).some((m) => m.keyboard !== undefined), "the last piece with the buttons");
    const pieces = bot.sent(110);
    expect(pieces.length).toBe(3);
    for (const piece of pieces) expect(piece.text.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(pieces.map((p) => p.keyboard === undefined)).toEqual([true, true, false]);
    expect(pieces.map((p) => p.text).join("\n\n")).toBe(answer);
  });

  it("sends HTML: Markdown **bold** as <b>, everything else escaped; plain text if Telegram refuses the markup", async () => {
    const knowledge = await writeMiniKb({
      "faq/markup.md": ["---", "schemaVersion: 1", "id: markup", "question: 年龄条件是什么？", "sample: true", "---", "**年龄**：一般 <35 周岁 & 博士 ≤40 周岁。"].join("\n"),
    });
    const bot = await startTelegramBot({ knowledge });
    await say(bot, 114, "年龄条件是什么？");
    const [answer] = await bot.expectSent(114, 1);
    expect(answer!.text).toBe("<b>年龄</b>：一般 &lt;35 周岁 &amp; 博士 ≤40 周岁。");
    expect(answer!.parseMode).toBe("HTML");

    bot.proxy.fail("sendMessage", { status: 400, body: { ok: false, error_code: 400, description: "Bad Request: can't parse entities: unexpected end tag" } });
    await say(bot, 114, "年龄条件是什么？");
    const [, plain] = await bot.expectSent(114, 2);
    expect(plain!.text).toBe("**年龄**：一般 <35 周岁 & 博士 ≤40 周岁。");
    expect(plain!.parseMode).toBeUndefined();
    expect(labels(plain!)).toEqual(["👍 有帮助", "👎 没帮助"]);
    expect(bot.reports.join("\n")).toContain("sent as plain text");
  });

  it("retries a send after 429 (retry_after) and a 502, and says so", async () => {
    const bot = await startTelegramBot();
    bot.proxy.fail("sendMessage", tooManyRequests(1), badGateway);
    const started = Date.now();
    await say(bot, 111, "人才子女入学需要什么材料？");
    const [answer] = await bot.expectSent(111, 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000); // waited retry_after = 1 s
    expect(answer!.text).toContain("提交申请表");
    expect(bot.proxy.count("sendMessage")).toBe(3);
    expect(bot.reports.join("\n")).toMatch(/sending to chat 111 failed \(429: Too Many Requests: retry after 1\); retry 1\/3 in 1\.0 s/);
    expect(bot.reports.join("\n")).toMatch(/sending to chat 111 failed \(502: .*\); retry 2\/3/);
  });

  it("gives up on a refused send at once (403), and the core records the failure", async () => {
    const bot = await startTelegramBot();
    bot.proxy.fail(
      "sendMessage",
      { status: 403, body: { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" } },
      { status: 403, body: { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" } },
    );
    await say(bot, 112, "人才子女入学需要什么材料？");
    await waitFor(() => bot.reports.some((l) => l.includes("bot was blocked by the user")), "the failure to be reported");
    expect(bot.reports.join("\n")).toMatch(/handling a message on telegram \(conversation 112\) failed: 403: Forbidden: bot was blocked by the user/);
    await new Promise((r) => setTimeout(r, 100));
    expect(bot.proxy.count("sendMessage")).toBe(1); // not retried
  });

  it("keeps polling through a dropped connection and a Bot API outage", async () => {
    const bot = await startTelegramBot();
    bot.proxy.fail("getUpdates", "drop", "drop", badGateway);
    await waitFor(() => bot.reports.some((l) => l.includes("connection to Telegram is back after 3 failed attempt(s)")), "polling to recover");
    expect(bot.reports.join("\n")).toMatch(/polling failed \(.*socket hang up.*\); trying again/);
    await say(bot, 113, "购房补贴怎么申请");
    const [answer] = await bot.expectSent(113, 1);
    expect(answer!.text).toContain("C类人才20万元");
  });

  it("stops cleanly in the middle of a long poll and polls no more", async () => {
    const bot = await startTelegramBot();
    bot.proxy.fail("getUpdates", "hang");
    await waitFor(() => bot.proxy.count("getUpdates") >= 1 && bot.proxy.calls.at(-1) === "getUpdates", "a poll in progress");
    await new Promise((r) => setTimeout(r, 100)); // the poll is now hanging
    const started = Date.now();
    await bot.runtime.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    const polls = bot.proxy.count("getUpdates");
    await new Promise((r) => setTimeout(r, 150));
    expect(bot.proxy.count("getUpdates")).toBe(polls);
    await expect(bot.channel.send("113", { text: "x" })).resolves.toBeUndefined(); // sending still possible: stop only ends receiving
  });
});

describe("Telegram webhook mode", () => {
  it("sets the webhook with a secret token; the route checks the secret and handles the update", async () => {
    const secret = "s3cret-Token_for-tests";
    const bot = await startTelegramBot({ webhook: { url: "https://bot.example.test/hooks/telegram", secret } });
    const hooks = (emulator as unknown as { webhooks: Record<string, { url: string; secret_token?: string }> }).webhooks;
    expect(hooks[bot.token]).toMatchObject({ url: "https://bot.example.test/hooks/telegram", secret_token: secret });
    expect(bot.proxy.count("getUpdates")).toBe(0);
    const [route] = bot.channel.routes;
    expect(route).toMatchObject({ method: "POST", path: "/hooks/telegram" });

    const client = bot.user(120);
    const update = { update_id: 1, message: { ...client.makeMessage("人才子女入学需要什么材料？"), message_id: 7 } };
    expect(await route!.handle({ headers: {}, body: update })).toMatchObject({ status: 401 });
    expect(await route!.handle({ headers: { [WEBHOOK_SECRET_HEADER]: "wrong" }, body: update })).toMatchObject({ status: 401 });
    expect(await route!.handle({ headers: { [WEBHOOK_SECRET_HEADER]: secret }, body: { hello: 1 } })).toMatchObject({ status: 400 });
    await new Promise((r) => setTimeout(r, 100));
    expect(bot.sent(120)).toEqual([]); // nothing got through

    expect(await route!.handle({ headers: { [WEBHOOK_SECRET_HEADER]: secret }, body: update })).toEqual({ status: 200, body: { ok: true } });
    const [answer] = await bot.expectSent(120, 1);
    expect(answer!.text).toContain("提交申请表、人才证书、户口簿。");

    await bot.stop();
    expect(await route!.handle({ headers: { [WEBHOOK_SECRET_HEADER]: secret }, body: update })).toMatchObject({ status: 503 });
  });
});

describe("Telegram registration (talentbot start)", () => {
  const base = { stdin: new PassThrough(), stdout: new PassThrough(), greeting: "您好" };

  it("is off without a token, saying what to set", () => {
    expect(telegramRegistration.setup({ ...base, env: {} })).toEqual({ on: false, reason: "set TELEGRAM_BOT_TOKEN" });
  });

  it("polls by default and serves a webhook route when TELEGRAM_WEBHOOK_URL is set", () => {
    const polling = telegramRegistration.setup({ ...base, env: { TELEGRAM_BOT_TOKEN: "1:x", TELEGRAM_STAFF_IDS: "900, 901" } });
    expect(polling).toMatchObject({ on: true, note: "long polling; staff ids 900, 901", routes: [] });
    const webhook = telegramRegistration.setup({ ...base, env: { TELEGRAM_BOT_TOKEN: "1:x", TELEGRAM_WEBHOOK_URL: "https://bot.example.gov.cn" } });
    expect(webhook.on && webhook.routes?.map((r) => r.path)).toEqual(["/telegram/webhook"]);
    expect(webhook.on && webhook.note).toMatch(/^webhook https:\/\/bot\.example\.gov\.cn\/telegram\/webhook/);
  });

  it("is off with the reason for unusable settings", () => {
    const off = (env: Record<string, string>) => telegramRegistration.setup({ ...base, env: { TELEGRAM_BOT_TOKEN: "1:x", ...env } });
    expect(off({ TELEGRAM_STAFF_IDS: "900,@alice" })).toMatchObject({ on: false, reason: expect.stringMatching(/TELEGRAM_STAFF_IDS must be numeric .*"@alice"/) });
    expect(off({ TELEGRAM_WEBHOOK_URL: "http://bot.example.gov.cn/hook" })).toMatchObject({ on: false, reason: expect.stringMatching(/must start with https/) });
    expect(off({ TELEGRAM_WEBHOOK_SECRET: "no spaces allowed" })).toMatchObject({ on: false, reason: expect.stringMatching(/TELEGRAM_WEBHOOK_SECRET/) });
    expect(off({ TELEGRAM_API_ROOT: "api.telegram.org" })).toMatchObject({ on: false, reason: expect.stringMatching(/TELEGRAM_API_ROOT/) });
  });

  it("refuses to start with a token Telegram rejects", async () => {
    const proxy = await FaultyProxy.start(emulator.config.apiURL);
    proxy.fail("getMe", { status: 401, body: { ok: false, error_code: 401, description: "Unauthorized" } });
    const channel = new TelegramChannel({ token: "1:bad", apiRoot: proxy.url, report: () => {} });
    await expect(channel.start(async () => {})).rejects.toThrow(/Telegram refused the bot token \(401: Unauthorized\); check TELEGRAM_BOT_TOKEN/);
    await channel.stop();
    await proxy.close();
  });
});

describe("text for Telegram", () => {
  it("turns **bold** into <b> within a line and escapes the rest", () => {
    expect(toTelegramHtml("**甲**：<b>不是标签</b> & **乙**")).toBe("<b>甲</b>：&lt;b&gt;不是标签&lt;/b&gt; &amp; <b>乙</b>");
    expect(toTelegramHtml("**没有闭合\n的粗体**")).toBe("**没有闭合\n的粗体**");
    expect(toTelegramHtml("- 列表\n1. 编号")).toBe("- 列表\n1. 编号");
  });

  it("cuts at paragraph, line or sentence ends and never inside a surrogate pair", () => {
    expect(splitText("短消息")).toEqual(["短消息"]);
    const sentences = "这是一句话。".repeat(10); // 60 characters
    expect(splitText(sentences, 25)).toEqual(["这是一句话。这是一句话。这是一句话。这是一句话。", "这是一句话。这是一句话。这是一句话。这是一句话。", "这是一句话。这是一句话。"]);
    const emoji = "😀".repeat(10); // 20 UTF-16 units
    const pieces = splitText(emoji, 7);
    expect(pieces.join("")).toBe(emoji);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(7);
    for (const piece of pieces) expect(piece).not.toMatch(/[\ud800-\udbff]$/);
  });
});
