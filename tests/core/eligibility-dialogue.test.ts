import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ELIGIBILITY_COUNTS_FILE } from "../../src/core/eligibility/tally.js";
import { exitText, interruptedText } from "../../src/core/eligibility/wording.js";
import { renderText } from "../../src/core/render-text.js";
import { TOO_FAST_TEXT } from "../../src/core/wording.js";
import { message, startTestBot } from "../helpers/bot-harness.js";
import { MINI_ELIGIBILITY, expectMiniResult } from "../helpers/mini-eligibility.js";
import { writeMiniKb } from "../helpers/mini-kb.js";
import { useTempDirs } from "../helpers/temp-dirs.js";

const tempDir = useTempDirs();

async function checkBot(options: { now?: () => Date; knowledge?: Record<string, string> } = {}) {
  const dataDir = await tempDir();
  const bot = await startTestBot({
    knowledgeDir: await writeMiniKb(options.knowledge ?? MINI_ELIGIBILITY),
    dataDir,
    ...(options.now ? { bot: { now: options.now, conversationTtlMs: 60_000 } } : {}),
  });
  const say = async (text: string, who = "u1") => (await bot.say(text, { channel: "console", conversationId: who, senderId: who })).map(renderText).join("\n\n");
  return { ...bot, say, dataDir };
}

describe("eligibility check (政策计算器) through the pipeline", () => {
  it("asks one needed fact at a time, re-asks on a reply that does not fit, and ends with the result; no fact reaches the log", async () => {
    const bot = await checkBot();
    const first = await bot.say("我能享受哪些政策？");
    expect(first).toContain("测试计算器开始。");
    expect(first).toContain("第 1 题：您是哪类人才？\n1. C类人才\n2. 不是人才\n3. 不确定，跳过\n回复序号或选项文字。");
    expect(await bot.say("1")).toContain("第 2 题：您多少周岁？\n请直接回复数字（单位：周岁）。");
    const again = await bot.say("很老了");
    expect(again).toContain("请回复一个数字（单位：周岁）");
    expect(again).toContain("第 2 题：您多少周岁？");
    expect(await bot.say("120")).toContain("请回复 16 到 80 之间的数字");
    expect(await bot.say("四十岁")).toContain("第 3 题：您在本市有自有住房吗？");
    expect(await bot.say("没有")).toContain("第 4 题：您有孩子要入学吗？");
    const result = await bot.say("跳过");
    expectMiniResult(result, expect);
    // The check is over: the next message is a question for the engine again.
    expect(await bot.say("1")).not.toContain("第 ");

    await bot.stop();
    const file = await bot.file();
    const logged = JSON.stringify(file);
    expect(file.entries).toEqual([]);
    for (const fact of ["四十", "很老了", "C类人才"]) expect(logged).not.toContain(fact);
    const counts = JSON.parse(await readFile(join(bot.dataDir, ELIGIBILITY_COUNTS_FILE), "utf8"));
    expect(counts).toEqual({ schemaVersion: 1, kind: "talentbot eligibility counts", checks: 1, benefits: { housing: { checked: 1, applies: 1 }, apartment: { checked: 1, applies: 0 } } });
  });

  it("asks only what still changes a result: not a talent, so nothing about children", async () => {
    const bot = await checkBot();
    await bot.say("政策计算器");
    await bot.say("不是人才");
    await bot.say("30");
    const result = await bot.say("否");
    expect(result).toContain("可以享受（1 项）");
    expect(result).toContain("人才公寓");
    expect(result).toMatch(/子女入学——不满足：人才类别：C类人才（您的回答：不是人才）/);
    expect(result).not.toContain("取决于您跳过的问题");
    await bot.stop();
  });

  it("返回 undoes the last answer, 重新开始 forgets them all, 退出 leaves", async () => {
    const bot = await checkBot();
    await bot.say("政策计算器");
    await bot.say("C类人才");
    await bot.say("40");
    expect(await bot.say("返回")).toContain("第 2 题：您多少周岁？");
    expect(await bot.say("30")).toContain("第 3 题");
    const restarted = await bot.say("重新开始");
    expect(restarted).toContain("第 1 题：您是哪类人才？");
    expect(await bot.say("返回")).toContain("第 1 题：您是哪类人才？"); // nothing to undo
    expect(await bot.say("退出")).toBe(exitText("政策计算器"));
    expect(await bot.say("C类人才")).not.toContain("第 2 题");
    await bot.stop();
  });

  it("takes a sentence that answers nothing for a question: leaves the check and answers it", async () => {
    const bot = await checkBot();
    await bot.say("政策计算器");
    expect(await bot.say("C类")).toContain("第 2 题"); // a unique part of a label is enough
    expect(await bot.say("不知道几岁")).toContain("第 2 题"); // short: asked again
    const replies = await bot.runtime.bot.handle({
      channel: "console",
      conversationId: "u1",
      senderId: "u1",
      text: "人才子女入学需要什么材料？",
      kind: "text",
      isGroup: false,
      mentionsBot: true,
      receivedAt: new Date(),
    });
    expect(replies.map((r) => r.text)).toEqual([interruptedText("政策计算器"), expect.stringContaining("提交申请表、人才证书、户口簿。")]);
    expect(await bot.say("40")).not.toContain("第 3 题");
    await bot.stop();
  });

  it("does not count replies to a running check against the rate limit (web: 10 messages per 30 s)", async () => {
    const bot = await checkBot();
    const web = async (text: string) => (await bot.runtime.bot.handle(message(text, { conversationId: "w", senderId: "w" }))).map((r) => r.text).join("\n");
    expect(await web("政策计算器")).toContain("第 1 题");
    for (let i = 0; i < 12; i++) expect(await web("返回")).toContain("第 1 题");
    expect(await web("退出")).toContain("已退出政策计算器");
    // Outside the check the limit applies again (the trigger counted once).
    const after = [];
    for (let i = 0; i < 10; i++) after.push(await web("你好"));
    expect(after.at(-1)).toBe(TOO_FAST_TEXT);
    await bot.stop();
  });

  it("keeps two users' checks apart when their messages interleave", async () => {
    const bot = await checkBot();
    await bot.say("政策计算器", "a");
    await bot.say("政策计算器", "b");
    await bot.say("C类人才", "a");
    await bot.say("不是人才", "b");
    await bot.say("40", "a");
    await bot.say("30", "b");
    const b = await bot.say("否", "b"); // b is done: not a talent, so no child question
    expect(await bot.say("否", "a")).toContain("第 4 题：您有孩子要入学吗？");
    const a = await bot.say("是", "a");
    expect(b).toMatch(/可以享受（1 项）[\s\S]*人才公寓/);
    expect(b).toContain("（您的回答：不是人才）");
    expect(a).toMatch(/可以享受（2 项）[\s\S]*购房补贴[\s\S]*子女入学/);
    expect(a).toContain("人才公寓——不满足：年龄不超过35周岁（您的回答：40周岁）");
    expect(await bot.runtime.bot.services.eligibility.snapshot()).toEqual({
      checks: 2,
      benefits: { housing: { checked: 2, applies: 1 }, apartment: { checked: 2, applies: 1 }, enrolment: { checked: 2, applies: 1 } },
    });
    await bot.stop();
  });

  it("marks a number question for a number keyboard, and links the article of every benefit that applies", async () => {
    const bot = await checkBot();
    const raw = async (text: string) => bot.runtime.bot.handle(message(text, { channel: "web", conversationId: "links_0123456789abcdef", senderId: "links_0123456789abcdef" }));
    await raw("政策计算器");
    const age = await raw("C类人才");
    expect(age.at(-1)).toMatchObject({ number: { unit: "周岁", min: 16, max: 80 }, unsaved: true });
    expect(age.at(-1)!.choices).toBeUndefined();
    const home = await raw("40");
    expect(home.at(-1)!.number).toBeUndefined(); // a yes/no question: buttons, no number
    await raw("否");
    const [result] = await raw("是");
    expect(result!.text).toMatch(/可以享受（2 项）[\s\S]*购房补贴[\s\S]*子女入学/);
    expect([result!.citation, ...(result!.citations ?? [])].map((c) => c?.article)).toEqual(["第二条", "第一条"]);
    await bot.stop();
  });

  it("forgets a check abandoned mid-way once the conversation expires", async () => {
    let now = new Date("2024-03-01T09:00:00Z");
    const bot = await checkBot({ now: () => now });
    await bot.say("政策计算器");
    expect(await bot.say("C类人才")).toContain("第 2 题");
    now = new Date(now.getTime() + 61_000);
    const late = await bot.say("40");
    expect(late).not.toContain("第 3 题");
    expect(late).not.toContain("请回复一个数字");
    expect(await bot.say("政策计算器")).toContain("第 1 题"); // a fresh start
    expect((await bot.runtime.bot.services.eligibility.snapshot()).checks).toBe(0);
    await bot.stop();
  });

  it("without eligibility/ the trigger is an ordinary question", async () => {
    const bot = await checkBot({ knowledge: {} });
    expect(await bot.say("政策计算器")).not.toContain("第 1 题");
    await bot.stop();
  });
});
