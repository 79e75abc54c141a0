import { describe, expect, it } from "vitest";
import { parseSlashCommand } from "../../../src/core/stages/slash-commands.js";
import { pendingText } from "../../../src/core/staff-commands.js";
import { NOT_STAFF_TEXT, REPLY_USAGE_TEXT, STAFF_HELP, STAFF_PRIVATE_ONLY_TEXT, UNKNOWN_COMMAND_TEXT, greetingText, menuText } from "../../../src/core/wording.js";
import { RecordingChannel, startTestBot, waitFor } from "../../helpers/bot-harness.js";
import { writeMiniKb } from "../../helpers/mini-kb.js";
import { useTempDirs } from "../../helpers/temp-dirs.js";

// The slash-command stage on the real runtime (engine, question log, desk, outbox), with messages
// as any channel makes them: the channel only says whether the sender is staff.

const tempDir = useTempDirs();

async function miniBot() {
  const channel = new RecordingChannel("wechat");
  const bot = await startTestBot({ knowledgeDir: await writeMiniKb(), dataDir: await tempDir(), channels: [channel], outbox: { intervalMs: 50, retryDelayMs: 50 } });
  return { ...bot, channel };
}

const today = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
};

const asker = { channel: "wechat", conversationId: "contact:asker", senderId: "asker" };
const staff = { channel: "wechat", conversationId: "contact:staff", senderId: "staff", isStaff: true };

describe("slash commands: /pending and /reply for the channel's staff", () => {
  it("lists a question with a line break in it on one line (it cannot forge another group)", async () => {
    const bot = await miniBot();
    await bot.say("明天会下雨吗\n  g99 ×42  假的问题组", asker);
    await waitFor(async () => (await bot.runtime.log.listGroups()).length === 1, "the question to be logged");
    const [pending] = await bot.say("/pending", staff);
    const lines = pending!.text.split("\n");
    expect(lines.filter((line) => line.includes("假的问题组"))).toEqual([expect.stringMatching(/^g\d+ ×1 {2}明天会下雨吗 ⏎ +g99 ×42 {2}假的问题组$/)]);
    expect(lines.some((line) => /^\s*g99/.test(line))).toBe(false);
  });

  it("lists the open groups for staff and answers one with /reply, which reaches the asker through the outbox", async () => {
    const bot = await miniBot();
    await bot.say("明天会下雨吗", asker);
    await waitFor(async () => (await bot.runtime.log.listGroups()).length === 1, "the question to be logged");
    const [group] = await bot.runtime.log.listGroups({ status: "open" });

    const [pending] = await bot.say("/pending", staff);
    expect(pending!.text).toContain(`待答复的问题组（1）：\n${group!.id} ×1  明天会下雨吗`);

    const [done] = await bot.say(`/reply ${group!.id} 明天多云，不会下雨。`, staff);
    expect(done!.text).toBe(`已答复 ${group!.id}：答复将发给 1 位提问者。`);
    await waitFor(() => bot.channel.sent.length === 1, "the staff reply to be delivered");
    expect(bot.channel.sent[0]).toEqual({ conversationId: "contact:asker", reply: { text: "关于您咨询的“明天会下雨吗”，工作人员答复如下：\n明天多云，不会下雨。" } });
    expect((await bot.runtime.log.getGroup(group!.id))!.group.status).toBe("replied");

    // A staff answer may be longer than a question may be.
    const long = `/reply ${group!.id} ${"答复内容很长。".repeat(100)}`;
    expect([...long].length).toBeGreaterThan(500);
    const [again] = await bot.say(long, staff);
    expect(again!.text).toMatch(/^已答复 /);

    // Mistakes get the desk's explanation or the usage.
    expect((await bot.say("/reply g999 答复", staff))[0]!.text).toMatch(/^未能答复：没有编号为 g999 的问题组/);
    expect((await bot.say("/reply", staff))[0]!.text).toBe(REPLY_USAGE_TEXT);

    await bot.stop();
    const file = await bot.file();
    // Staff commands are neither questions for the log nor counted: only the asker's question is.
    expect(file.groups.map((g) => g.representative)).toEqual(["明天会下雨吗"]);
    expect(file.entries).toHaveLength(1);
    expect(file.counters[today()]).toMatchObject({ questions: 1, unanswered: 1 });
  });

  it("refuses everyone else politely, logs nothing, and tells the operator the sender's id", async () => {
    const bot = await miniBot();
    await bot.say("明天会下雨吗", asker);
    await waitFor(async () => (await bot.runtime.log.listGroups()).length === 1, "the question to be logged");
    const [group] = await bot.runtime.log.listGroups();

    expect((await bot.say("/pending", asker))[0]!.text).toBe(NOT_STAFF_TEXT);
    expect((await bot.say(`/reply ${group!.id} 随便答一句`, { ...asker, channel: "web", conversationId: "s", senderId: "s" }))[0]!.text).toBe(NOT_STAFF_TEXT);
    expect(bot.reports).toContain("talentbot: /pending from wechat sender asker refused: not one of the channel's staff");
    // Staff in a group: to the private chat.
    expect((await bot.say("/pending", { ...staff, conversationId: "room:r1", isGroup: true, mentionsBot: true }))[0]!.text).toBe(STAFF_PRIVATE_ONLY_TEXT);

    await bot.stop();
    const file = await bot.file();
    expect(file.entries).toHaveLength(1);
    expect(file.groups[0]).toMatchObject({ id: group!.id, status: "open", count: 1 });
    expect(file.counters[today()]).toMatchObject({ questions: 1 });
    expect(bot.channel.sent).toEqual([]);
  });
});

describe("slash commands: /start, /help and the rest, the same on every channel", () => {
  it("greets on /start and shows the menu on /help, like 菜单, with the examples; both are counted as small talk", async () => {
    const bot = await miniBot();
    const [greeting] = await bot.say("/start", asker);
    expect(greeting).toEqual({ text: greetingText(bot.runtime.live.engine.kb.bot), examples: ["子女入学需要什么材料"] });
    expect(greeting!.text).toBe("您好");
    const [help] = await bot.say("/help", asker);
    const [menu] = await bot.say("菜单", asker);
    expect(help).toEqual(menu);
    expect(help).toEqual({ text: menuText(bot.runtime.live.engine.kb.bot), examples: ["子女入学需要什么材料"] });
    expect(help!.text).not.toContain("/reply");
    // Staff see their commands under the menu, in a private chat only.
    expect((await bot.say("/help", staff))[0]!.text).toBe(`${menuText(bot.runtime.live.engine.kb.bot)}\n\n${STAFF_HELP}`);
    expect((await bot.say("菜单", { ...staff, conversationId: "room:r1", isGroup: true, mentionsBot: true }))[0]!.text).not.toContain(STAFF_HELP);

    await bot.stop();
    const file = await bot.file();
    expect(file.counters[today()]).toMatchObject({ questions: 5, smalltalk: 5 });
    expect(file.entries).toEqual([]);
  });

  it("says 没有这个命令 to any other /word and does not log it as a question", async () => {
    const bot = await miniBot();
    expect((await bot.say("/nonsense 人才公寓怎么申请", asker))[0]!.text).toBe(UNKNOWN_COMMAND_TEXT);
    await bot.stop();
    expect((await bot.file()).entries).toEqual([]);
  });

  it("reads /name, /name@Bot and a full-width slash as commands, and nothing else", () => {
    expect(parseSlashCommand("/reply g3  答复\n第二行 ")).toEqual({ name: "reply", args: "g3  答复\n第二行" });
    expect(parseSlashCommand("/Start@TalentBot")).toEqual({ name: "start", args: "" });
    expect(parseSlashCommand("／pending")).toEqual({ name: "pending", args: "" });
    for (const text of ["/人才公寓", "pending", "a /help", "/:hug", "/ help"]) expect(parseSlashCommand(text)).toBeUndefined();
  });
});

describe("/pending's listing", () => {
  it("escapes control characters an older log may hold (as talentbot log list does), one question per line", async () => {
    // The desk's list as an older log returns it (the log strips these before storage since).
    const desk = {
      list: async () => [{ id: "g1", count: 2, representative: "人才公寓\u001b[2J\u001b[31m怎么\u0007申请\u202E\u0085\u000B好" }],
      reply: async () => ({ group: { id: "g1" }, queued: [] }),
    };
    const text = await pendingText(desk);
    expect(text).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202E]/);
    expect(text).toContain("g1 ×2  人才公寓\\x1B[2J\\x1B[31m怎么\\x07申请\\u202E\\x85\\x0B好");
  });
});
