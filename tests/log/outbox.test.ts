import { describe, expect, it } from "vitest";
import { QuestionLog } from "../../src/log/question-log.js";
import type { QuestionToRecord } from "../../src/log/types.js";
import { useTempDirs } from "./helpers.js";

const tempDir = useTempDirs();

function asked(channel: string, conversationId?: string): QuestionToRecord {
  return {
    text: "博士安家费怎么申请",
    normalized: "博士安家费怎么申请",
    channel,
    reason: "unanswered",
    candidates: [],
    ...(conversationId === undefined ? {} : { conversationId }),
  };
}

describe("QuestionLog replies and outbox", () => {
  it("queues one message per asker, survives a reopen, and marks sent and failed", async () => {
    const dataDir = await tempDir();
    let log = await QuestionLog.open({ retentionDays: 180, dataDir });
    const first = await log.record(asked("wecom", "chat-a"));
    await log.record(asked("wecom", "chat-a")); // same asker twice: one message
    await log.record(asked("wecom", "chat-b"));
    await log.record(asked("web", "chat-a")); // same id on another channel is another asker
    await log.record(asked("cli")); // no conversation to answer to
    const groupId = first.groupId;
    expect((await log.getGroup(groupId))?.group.count).toBe(5);

    const queued = await log.reply(groupId, "请登录人才服务平台提交申请，咨询电话0431-88886666。");
    expect(queued.map((message) => [message.channel, message.conversationId])).toEqual([
      ["wecom", "chat-a"],
      ["wecom", "chat-b"],
      ["web", "chat-a"],
    ]);
    expect(queued.every((message) => message.text === "请登录人才服务平台提交申请，咨询电话0431-88886666。")).toBe(true);
    const group = (await log.getGroup(groupId))?.group;
    expect(group?.status).toBe("replied");
    expect(group?.reply?.text).toContain("0431-88886666"); // staff text is not masked

    await log.close();
    log = await QuestionLog.open({ retentionDays: 180, dataDir });
    expect((await log.pendingOutbox()).map((message) => message.id)).toEqual(queued.map((message) => message.id));
    expect(await log.pendingOutbox("wecom")).toHaveLength(2);
    expect(await log.pendingOutbox("web")).toHaveLength(1);

    const [toWecomA, toWecomB] = await log.pendingOutbox("wecom");
    await log.markSent(toWecomA!.id);
    await log.markFailed(toWecomB!.id, new Error("network down"));
    await log.close();

    log = await QuestionLog.open({ retentionDays: 180, dataDir, maxSendAttempts: 2 });
    const stillPending = await log.pendingOutbox("wecom");
    expect(stillPending).toHaveLength(1);
    expect(stillPending[0]).toMatchObject({ id: toWecomB!.id, attempts: 1, lastError: "network down" });
    await log.markFailed(toWecomB!.id, "timeout");
    expect(await log.pendingOutbox("wecom")).toEqual([]); // gave up after 2 attempts
    await expect(log.markSent("m999")).rejects.toThrow(/no outbox message "m999"/);
    await log.close();
  });

  it("promotes and dismisses groups", async () => {
    const dataDir = await tempDir();
    let log = await QuestionLog.open({ retentionDays: 180, dataDir });
    const housing = await log.record(asked("web", "c1"));
    const spam = await log.record({ ...asked("web", "c2"), text: "哈哈哈哈", normalized: "哈哈哈哈" });
    expect(await log.markPromoted(housing.groupId, "faq-housing-subsidy")).toMatchObject({
      status: "promoted",
      promotedTo: "faq-housing-subsidy",
    });
    expect(await log.dismiss(spam.groupId, "not a question")).toMatchObject({ status: "dismissed", dismissReason: "not a question" });
    await expect(log.dismiss("g404", "x")).rejects.toMatchObject({
      name: "QuestionLogError",
      message: expect.stringMatching(/no question group "g404"/),
    });
    await expect(log.reply(housing.groupId, "  ")).rejects.toThrow(/empty/);
    await log.close();

    log = await QuestionLog.open({ retentionDays: 180, dataDir });
    expect((await log.listGroups({ status: "promoted" })).map((group) => group.id)).toEqual([housing.groupId]);
    expect((await log.listGroups({ status: "dismissed" })).map((group) => group.id)).toEqual([spam.groupId]);
    expect(await log.listGroups({ status: "open" })).toEqual([]);
    await log.close();
  });
});
