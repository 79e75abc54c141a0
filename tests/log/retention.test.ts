import { readdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { DEFAULT_RETENTION_DAYS } from "../../src/knowledge/bot-config.js";
import { QuestionLog } from "../../src/log/question-log.js";
import type { QuestionToRecord } from "../../src/log/types.js";
import { rawLogText, useTempDirs } from "./helpers.js";

const tempDir = useTempDirs();
const DAY = 24 * 60 * 60 * 1000;

function asked(text: string, conversationId: string): QuestionToRecord {
  return { text, normalized: text, channel: "wecom", conversationId, senderId: `u-${conversationId}`, senderName: "张三", reason: "human", candidates: [] };
}

describe("QuestionLog retention", () => {
  it("drops who asked after retentionDays, keeps the question, and does so again on open", async () => {
    const dataDir = await tempDir();
    let now = new Date("2024-01-10T06:00:00Z");
    const clock = () => now;
    let log = await QuestionLog.open({ dataDir, now: clock, retentionDays: 30 });
    const old = await log.record(asked("人才公寓怎么申请", "chat-old"));
    await log.reply(old.groupId, "请见人才公寓政策第三条");
    now = new Date(now.getTime() + 20 * DAY);
    const recent = await log.record(asked("子女入学需要什么材料", "chat-new"));

    now = new Date(now.getTime() + 11 * DAY); // old: 31 days, recent: 11 days
    expect(await log.applyRetention()).toBe(1);
    const oldEntry = (await log.getGroup(old.groupId))?.entries[0];
    expect(oldEntry).toMatchObject({ id: old.id, text: "人才公寓怎么申请", channel: "wecom" });
    expect(oldEntry).not.toHaveProperty("conversationId");
    expect(oldEntry).not.toHaveProperty("senderId");
    expect(oldEntry).not.toHaveProperty("senderName");
    expect((await log.getGroup(recent.groupId))?.entries[0]).toMatchObject({ conversationId: "chat-new", senderId: "u-chat-new", senderName: "张三" });
    expect(await log.pendingOutbox()).toEqual([]); // the reply to chat-old held its conversation id
    expect(await log.applyRetention()).toBe(0);
    await log.close();

    const onDisk = await rawLogText(dataDir);
    expect(onDisk).not.toContain("chat-old");
    expect(onDisk).toContain("chat-new");

    // Reopening 30 more days later applies retention straight away.
    now = new Date(now.getTime() + 30 * DAY);
    log = await QuestionLog.open({ dataDir, now: clock, retentionDays: 30 });
    expect((await log.getGroup(recent.groupId))?.entries[0]).not.toHaveProperty("conversationId");
    await log.close();
    expect(await rawLogText(dataDir)).not.toContain("chat-new");
  });

  it("keeps 180 days by default", async () => {
    const dataDir = await tempDir();
    let now = new Date("2024-01-10T06:00:00Z");
    const log = await QuestionLog.open({ retentionDays: 180, dataDir, now: () => now });
    await log.record(asked("人才公寓怎么申请", "chat-1"));
    now = new Date(now.getTime() + 179 * DAY);
    expect(await log.applyRetention()).toBe(0);
    now = new Date(now.getTime() + 2 * DAY);
    expect(await log.applyRetention()).toBe(1);
    await log.close();
  });

  it("takes retentionDays from its caller (bot.yaml's setting, default in src/knowledge): missing or not positive is refused before anything opens", async () => {
    const dataDir = await tempDir();
    for (const retentionDays of [undefined, 0, -1, Number.NaN]) {
      await expect(QuestionLog.open({ dataDir, retentionDays } as never)).rejects.toThrow(/^QuestionLog\.open: retentionDays must be a positive number of days/);
    }
    expect(await readdir(dataDir)).toEqual([]);
    expect(DEFAULT_RETENTION_DAYS).toBe(180);
    const log = await QuestionLog.open({ dataDir, retentionDays: DEFAULT_RETENTION_DAYS });
    await log.close();
  });
});
