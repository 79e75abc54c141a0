import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { CHANNELS, consoleRegistration } from "../../src/app/channels.js";
import { ConsoleChannel } from "../../src/channels/console.js";
import type { IncomingMessage } from "../../src/core/message.js";
import { renderText } from "../../src/core/render-text.js";
import { exitText } from "../../src/core/eligibility/wording.js";
import { startTestBot, waitFor } from "../helpers/bot-harness.js";
import { MINI_DIALOGUE, MINI_ELIGIBILITY, expectMiniResult } from "../helpers/mini-eligibility.js";
import { writeMiniKb } from "../helpers/mini-kb.js";
import { useTempDirs } from "../helpers/temp-dirs.js";

function consolePair(options: { interactive?: boolean; greeting?: string } = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = "";
  output.on("data", (chunk: Buffer) => (printed += chunk.toString("utf8")));
  const channel = new ConsoleChannel({ input, output, interactive: options.interactive ?? false, ...(options.greeting ? { greeting: options.greeting } : {}) });
  return { input, channel, printed: () => printed };
}

describe("console channel", () => {
  it("turns each non-empty line into a text message and prints the rendered replies, in order", async () => {
    const { input, channel, printed } = consolePair();
    const received: IncomingMessage[] = [];
    await channel.start(async (message, respond) => {
      received.push(message);
      if (message.text === "补贴")
        await respond({
          text: "您是不是想问：",
          choices: [
            { label: "购房补贴怎么申请？", faqId: "a" },
            { label: "特殊津贴多少？", faqId: "b" },
          ],
        });
      else await respond({ text: `答：${message.text}`, feedback: true });
    });
    input.end("补贴\n\n  \n1\n");
    await channel.ended;
    expect(received.map((m) => m.text)).toEqual(["补贴", "1"]);
    expect(received[0]).toMatchObject({ channel: "console", conversationId: "console", kind: "text", isGroup: false, mentionsBot: true, isStaff: true });
    expect(printed()).toBe("您是不是想问：\n1. 购房补贴怎么申请？\n2. 特殊津贴多少？\n回复 1、2 查看答案，或换个说法再问。\n\n答：1\n这个回答有帮助吗？回复 好 / 不好\n\n");
  });

  it("prints staff replies for its conversation and refuses others", async () => {
    const { input, channel, printed } = consolePair();
    await channel.start(async () => {});
    await channel.send("console", { text: "工作人员答复：请到窗口办理。" });
    await expect(channel.send("wx-123", { text: "x" })).rejects.toThrow(/no conversation "wx-123"/);
    expect(printed()).toBe("工作人员答复：请到窗口办理。\n\n");
    input.end();
    await channel.ended;
  });

  it("greets and prompts when interactive; stop() ends it even with input still open", async () => {
    const { input, channel, printed } = consolePair({ interactive: true, greeting: "您好！我是测试助手" });
    await channel.start(async (_m, respond) => respond({ text: "好的" }));
    input.write("你好\n");
    await waitFor(() => printed().includes("好的"), "the reply");
    expect(printed()).toContain("您好！我是测试助手");
    expect(printed()).toContain("> ");
    await channel.stop();
    await channel.ended;
  });

  it("prints **bold** as plain text and keeps terminal words (clear, exit) from the bot", async () => {
    const { input, channel, printed } = consolePair();
    const received: string[] = [];
    await channel.start(async (message, respond) => {
      received.push(message.text);
      await respond({ text: "请准备**申请表**和**人才证书**。已记录：138****5678，6222***********3445" });
    });
    input.end("clear\n材料\nCLS\nexit\n不会读到这里\n");
    await channel.ended;
    expect(received).toEqual(["材料"]);
    expect(printed()).toBe("请准备申请表和人才证书。已记录：138****5678，6222***********3445\n\n"); // masks are not markup
  });

  it("ends at once on empty input (stdin at EOF)", async () => {
    const { input, channel } = consolePair();
    await channel.start(async () => {});
    input.end();
    await channel.ended;
  });
});

describe("text rendering and channel registry", () => {
  it("renders three choices as 回复 1、2、3", () => {
    const text = renderText({ text: "您是不是想问：", choices: ["甲", "乙", "丙"].map((label, i) => ({ label, faqId: `f${i}` })) });
    expect(text.split("\n")).toEqual(["您是不是想问：", "1. 甲", "2. 乙", "3. 丙", "回复 1、2、3 查看答案，或换个说法再问。"]);
  });

  it("lists the console, on by default and off with TALENTBOT_CONSOLE=off, saying why", () => {
    expect(CHANNELS.map((c) => c.name)).toContain("console");
    const base = { stdin: new PassThrough(), stdout: new PassThrough(), greeting: "您好" };
    const on = consoleRegistration.setup({ ...base, env: {} });
    expect(on.on).toBe(true);
    if (on.on) expect(on.note).toMatch(/not a terminal: one message per line/);
    expect(consoleRegistration.setup({ ...base, env: { TALENTBOT_CONSOLE: "off" } })).toEqual({ on: false, reason: "TALENTBOT_CONSOLE=off" });
  });
});

describe("console channel with the running bot", () => {
  const tempDir = useTempDirs();

  it("counts as staff: /pending lists the open groups and /reply answers one (the operator's terminal)", async () => {
    const { input, channel, printed } = consolePair();
    const bot = await startTestBot({ knowledgeDir: await writeMiniKb(), dataDir: await tempDir(), channels: [channel], outbox: { intervalMs: 50, retryDelayMs: 50 } });
    await bot.say("明天会下雨吗", { channel: "console", conversationId: "console", senderId: "console" });
    await waitFor(async () => (await bot.runtime.log.listGroups()).length > 0, "the question to be logged");
    const [group] = await bot.runtime.log.listGroups();
    input.write("/pending\n");
    await waitFor(() => printed().includes("待答复的问题组"), "the list of open groups");
    expect(printed()).toContain(`待答复的问题组（1）：\n${group!.id} ×1  明天会下雨吗`);
    input.write(`/reply ${group!.id} 明天多云。\n`);
    // The outbox may deliver before the /reply's own answer is printed: wait for both.
    await waitFor(() => printed().includes("工作人员答复如下") && printed().includes("已答复"), "the staff reply, delivered to the console's own question, and /reply's answer");
    expect(printed()).toContain(`已答复 ${group!.id}：答复将发给 1 位提问者。`);
    expect(printed()).toContain("关于您咨询的“明天会下雨吗”，工作人员答复如下：\n明天多云。");
    input.end();
    await channel.ended;
    await bot.stop();
    expect((await bot.file()).entries).toHaveLength(1);
  });

  it("runs a whole eligibility check with numbered replies, and 退出 leaves a second one", async () => {
    const { input, channel, printed } = consolePair();
    const bot = await startTestBot({ knowledgeDir: await writeMiniKb(MINI_ELIGIBILITY), dataDir: await tempDir(), channels: [channel] });
    const replies = MINI_DIALOGUE.map((step) => (step.choices.length > 0 ? String((step.choices as readonly string[]).indexOf(step.answer) + 1) : step.answer));
    input.end(`${["政策计算器", ...replies, "政策计算器", "退出"].join("\n")}\n`);
    await channel.ended;
    await bot.stop();
    const blocks = printed().trim().split("\n\n");
    MINI_DIALOGUE.forEach((step, i) => {
      const block = blocks.find((b) => b.includes(`第 ${i + 1} 题：${step.question}`));
      expect(block, `question ${i + 1}`).toBeDefined();
      step.choices.forEach((label, n) => expect(block).toContain(`${n + 1}. ${label}`));
      if (step.choices.length > 0) expect(block).toContain("回复序号或选项文字。随时可回复：返回（上一题）、重新开始、退出");
    });
    expectMiniResult(printed(), expect);
    expect(blocks.at(-1)).toBe(exitText("政策计算器"));
  });
});
