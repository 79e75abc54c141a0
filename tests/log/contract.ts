import { describe, expect, it } from "vitest";
import { QuestionLog } from "../../src/log/question-log.js";
import type { LogStore } from "../../src/log/store.js";
import type { QuestionToRecord } from "../../src/log/types.js";

/** How a contract run gets its store: a fresh one, and (for persistent stores) the same data opened again. */
export interface StoreFactory {
  /** A new, empty store. */
  fresh(): Promise<{ store: LogStore; reopen?: () => Promise<LogStore> }>;
}

const DAY = 24 * 60 * 60 * 1000;

function asked(text: string, extra: Partial<QuestionToRecord> = {}): QuestionToRecord {
  return { text, normalized: text, channel: "web", conversationId: "c1", senderId: "u1", reason: "unanswered", candidates: [], ...extra };
}

/**
 * The storage contract (src/log/store.ts), run against every implementation: the same
 * operations must give the same results whether the log is in memory, in the embedded
 * lowdb files or in PostgreSQL.
 */
export function storageContract(name: string, factory: StoreFactory): void {
  describe(`storage contract: ${name}`, () => {
    it("records questions into groups: similar ones join the open group, 人工 always gets its own, order for staff", async () => {
      const { store, reopen } = await factory.fresh();
      let now = new Date("2024-03-01T09:00:00Z");
      const log = await QuestionLog.open({ retentionDays: 180, storage: store, now: () => now });
      const a = await log.record(asked("博士安家费怎么申请", { candidates: [{ faqId: "faq-housing", score: 0.4 }] }));
      now = new Date("2024-03-02T09:00:00Z");
      const b = await log.record(asked("博士安家费如何申请", { channel: "telegram", conversationId: "t9", reason: "suggested", candidates: [{ faqId: "faq-housing", score: 0.55 }] }));
      const other = await log.record(asked("子女入学需要什么材料", { conversationId: "c2" }));
      const human1 = await log.record(asked("人工", { reason: "human", conversationId: "c3" }));
      const human2 = await log.record(asked("人工", { reason: "human", conversationId: "c4" }));
      expect(b.groupId).toBe(a.groupId);
      expect(new Set([a.groupId, other.groupId, human1.groupId, human2.groupId]).size).toBe(4);
      expect([a.id, b.id, other.id].every((id) => /^q\d+$/.test(id))).toBe(true);

      const groups = await log.listGroups();
      expect(groups[0]).toMatchObject({
        id: a.groupId,
        status: "open",
        count: 2,
        representative: "博士安家费怎么申请",
        variants: ["博士安家费怎么申请", "博士安家费如何申请"],
        channels: ["web", "telegram"],
        reasons: { unanswered: 1, suggested: 1 },
        bestGuesses: [{ faqId: "faq-housing", score: 0.55 }],
        firstAskedAt: "2024-03-01T09:00:00.000Z",
        lastAskedAt: "2024-03-02T09:00:00.000Z",
      });
      expect(groups).toHaveLength(4);
      expect((await log.listGroups({ since: new Date("2024-03-02T00:00:00Z") })).length).toBe(4);
      expect((await log.listGroups({ since: new Date("2024-03-03T00:00:00Z") })).length).toBe(0);
      const detail = await log.getGroup(a.groupId);
      expect(detail?.entries.map((e) => [e.id, e.channel, e.conversationId])).toEqual([
        [a.id, "web", "c1"],
        [b.id, "telegram", "t9"],
      ]);
      expect(await log.getGroup("g999999")).toBeUndefined();
      // Copies: changing what was returned changes nothing stored.
      groups[0]!.count = 99;
      expect((await log.getGroup(a.groupId))?.group.count).toBe(2);
      await log.close();

      if (reopen) {
        const again = await QuestionLog.open({ retentionDays: 180, storage: await reopen() });
        expect((await again.listGroups()).map((g) => [g.id, g.count])).toEqual(groups.map((g, i) => [g.id, i === 0 ? 2 : g.count]));
        const next = await again.record(asked("博士安家费怎么申请呢"));
        expect(next.groupId).toBe(a.groupId); // the open group survives a reopen
        await again.close();
      }
    });

    it("replies to every distinct asker, closes the group, and starts a new group for later askers", async () => {
      const { store, reopen } = await factory.fresh();
      const log = await QuestionLog.open({ retentionDays: 180, storage: store });
      const first = await log.record(asked("人才公寓怎么申请", { channel: "wecom", conversationId: "chat-a" }));
      await log.record(asked("人才公寓怎么申请", { channel: "wecom", conversationId: "chat-a" }));
      await log.record(asked("人才公寓怎么申请", { channel: "wecom", conversationId: "chat-b" }));
      await log.record(asked("人才公寓怎么申请", { channel: "web", conversationId: "chat-a" }));
      await log.record({ ...asked("人才公寓怎么申请"), conversationId: undefined } as QuestionToRecord);
      const queued = await log.reply(first.groupId, "请向住建局申请，电话 0431-88886666。");
      expect(queued.map((m) => [m.channel, m.conversationId, m.attempts])).toEqual([
        ["wecom", "chat-a", 0],
        ["wecom", "chat-b", 0],
        ["web", "chat-a", 0],
      ]);
      expect(new Set(queued.map((m) => m.id)).size).toBe(3);
      const group = (await log.getGroup(first.groupId))!.group;
      expect(group).toMatchObject({ status: "replied", reply: { text: "请向住建局申请，电话 0431-88886666。" } });
      const later = await log.record(asked("人才公寓怎么申请", { conversationId: "chat-c" }));
      expect(later.groupId).not.toBe(first.groupId);
      expect((await log.pendingForGroup(first.groupId)).map((m) => m.id)).toEqual(queued.map((m) => m.id));
      await expect(log.reply("g999999", "x")).rejects.toThrow(/no question group "g999999"/);
      await expect(log.reply(first.groupId, "  ")).rejects.toThrow(/empty/);
      await log.close();
      if (reopen) {
        const again = await QuestionLog.open({ retentionDays: 180, storage: await reopen() });
        expect((await again.pendingOutbox()).map((m) => m.id)).toEqual(queued.map((m) => m.id));
        expect((await again.getGroup(first.groupId))?.group.status).toBe("replied");
        await again.close();
      }
    });

    it("promotes and dismisses; unknown groups are a QuestionLogError", async () => {
      const { store, reopen } = await factory.fresh();
      const log = await QuestionLog.open({ retentionDays: 180, storage: store });
      const housing = await log.record(asked("人才公寓怎么申请"));
      const spam = await log.record(asked("哈哈哈哈哈"));
      expect(await log.markPromoted(housing.groupId, "talent-apartment")).toMatchObject({ status: "promoted", promotedTo: "talent-apartment" });
      expect(await log.dismiss(spam.groupId, "无关")).toMatchObject({ status: "dismissed", dismissReason: "无关" });
      await expect(log.dismiss("g999999", "x")).rejects.toMatchObject({ name: "QuestionLogError", message: expect.stringMatching(/no question group/) });
      expect((await log.listGroups({ status: "open" })).length).toBe(0);
      await log.close();
      if (reopen) {
        const again = await QuestionLog.open({ retentionDays: 180, storage: await reopen() });
        expect((await again.listGroups({ status: "promoted" })).map((g) => g.id)).toEqual([housing.groupId]);
        expect((await again.listGroups({ status: "dismissed" })).map((g) => g.id)).toEqual([spam.groupId]);
        await again.close();
      }
    });

    it("leases outbox messages to one claimer at a time; sent, failed with retry time, expired leases, attempts", async () => {
      const { store } = await factory.fresh();
      const log = await QuestionLog.open({ retentionDays: 180, storage: store, maxSendAttempts: 2 });
      const q = await log.record(asked("博士后补贴多少", { channel: "wecom", conversationId: "room-1" }));
      await log.record(asked("博士后补贴多少", { channel: "wecom", conversationId: "room-2" }));
      await log.record(asked("博士后补贴多少", { channel: "telegram", conversationId: "chat-9" }));
      const [m1, m2, m3] = await log.reply(q.groupId, "每月 3000 元。");
      const claim = { leaseMs: 60_000, limit: 10, maxAttempts: 2 };

      const byA = await store.claimOutbox({ ...claim, channels: ["wecom"], owner: "A" });
      expect(byA.map((m) => m.id)).toEqual([m1!.id, m2!.id]);
      expect(await store.claimOutbox({ ...claim, channels: ["wecom", "telegram"], owner: "B" })).toMatchObject([{ id: m3!.id }]);
      expect(await store.claimOutbox({ ...claim, channels: ["wecom", "telegram"], owner: "B" })).toEqual([]); // all leased

      expect(await store.completeOutbox(m1!.id, "A", { sent: true, at: new Date().toISOString() })).toBe(true);
      const retryAt = new Date(Date.now() + 60 * 60_000).toISOString();
      expect(await store.completeOutbox(m2!.id, "A", { sent: false, error: "network down", retryAt })).toBe(true);
      expect((await log.pendingOutbox("wecom")).map((m) => [m.id, m.attempts, m.lastError])).toEqual([[m2!.id, 1, "network down"]]);
      expect(await store.claimOutbox({ ...claim, channels: ["wecom"], owner: "B" })).toEqual([]); // waits for its retry time
      await store.completeOutbox(m2!.id, undefined, { sent: false, error: "timeout", retryAt: new Date(0).toISOString() });
      expect(await log.pendingOutbox("wecom")).toEqual([]); // used up its 2 attempts
      expect(await store.claimOutbox({ ...claim, channels: ["wecom"], owner: "B" })).toEqual([]);

      // A lease that ran out (its claimer died) is taken by the next claimer; the late claimer learns it lost it.
      const short = await store.claimOutbox({ ...claim, leaseMs: 0, channels: ["telegram"], owner: "C" });
      expect(short).toEqual([]); // still leased to B for a minute
      await store.completeOutbox(m3!.id, "B", { sent: false, error: "502", retryAt: new Date(0).toISOString() });
      expect((await store.claimOutbox({ ...claim, leaseMs: 1, channels: ["telegram"], owner: "C" })).map((m) => m.id)).toEqual([m3!.id]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await store.claimOutbox({ ...claim, channels: ["telegram"], owner: "D" })).map((m) => m.id)).toEqual([m3!.id]);
      expect(await store.completeOutbox(m3!.id, "C", { sent: true, at: new Date().toISOString() })).toBe(false);
      expect(await log.pendingOutbox()).toEqual([]);
      await expect(store.completeOutbox("m999999", "A", { sent: true, at: new Date().toISOString() })).rejects.toThrow(/no outbox message "m999999"/);
      await log.close();
    });

    it("counts outcomes per local day, and builds the monthly report and FAQ hits from them", async () => {
      const { store, reopen } = await factory.fresh();
      let now = new Date(2024, 2, 5, 10, 0, 0); // local time: counters follow the bureau's day
      const log = await QuestionLog.open({ retentionDays: 180, storage: store, now: () => now });
      await log.count("answered", "enroll-materials");
      await log.count("answered", "enroll-materials");
      await log.count("answered", "housing");
      await log.count("unanswered");
      await log.count("unhelpful");
      const open = await log.record(asked("人才公寓租金"));
      await log.record(asked("人才公寓租金"));
      now = new Date(2024, 3, 1, 10, 0, 0); // April
      await log.count("suggested");
      await log.record(asked("人才公寓租金"));

      const march = await log.monthlyReport("2024-03");
      expect(march.days).toHaveLength(31);
      expect(march.days[4]).toMatchObject({ date: "2024-03-05", questions: 4, answered: 3, unanswered: 1, unhelpful: 1, answeredRate: 0.75 });
      expect(march.total).toMatchObject({ questions: 4, answered: 3, suggested: 0 });
      expect(march.topFaqs).toEqual([
        { faqId: "enroll-materials", hits: 2 },
        { faqId: "housing", hits: 1 },
      ]);
      expect(march.topOpenGroups).toEqual([{ groupId: open.groupId, representative: "人才公寓租金", askedThisMonth: 2, totalCount: 3, lastAskedAt: now.toISOString() }]);
      expect((await log.monthlyReport("2024-04")).total).toMatchObject({ questions: 1, suggested: 1 });
      expect(await log.faqHits()).toEqual({ "enroll-materials": 2, housing: 1 });
      expect(await log.faqHits("2024-04-01")).toEqual({});
      await expect(log.monthlyReport("2024-3")).rejects.toThrow(/"2024-3" is not a month/);
      await log.close();
      if (reopen) {
        const again = await QuestionLog.open({ retentionDays: 180, storage: await reopen(), now: () => now });
        expect((await again.monthlyReport("2024-03")).total).toMatchObject({ questions: 4, answered: 3 });
        expect(await again.faqHits()).toEqual({ "enroll-materials": 2, housing: 1 });
        await again.close();
      }
    });

    it("retention drops who asked and old outbox messages, keeps the question", async () => {
      const { store, reopen } = await factory.fresh();
      let now = new Date("2024-01-01T00:00:00Z");
      const log = await QuestionLog.open({ storage: store, now: () => now, retentionDays: 30 });
      const old = await log.record(asked("人才公寓怎么申请", { conversationId: "chat-old", senderId: "u-old", senderName: "张三" }));
      await log.reply(old.groupId, "见第三条");
      now = new Date(now.getTime() + 20 * DAY);
      const recent = await log.record(asked("子女入学需要什么材料", { conversationId: "chat-new" }));
      now = new Date(now.getTime() + 11 * DAY);
      expect(await log.applyRetention()).toBe(1);
      const oldEntry = (await log.getGroup(old.groupId))?.entries[0];
      expect(oldEntry).toMatchObject({ id: old.id, text: "人才公寓怎么申请" });
      expect(oldEntry).not.toHaveProperty("conversationId");
      expect(oldEntry).not.toHaveProperty("senderId");
      expect(oldEntry).not.toHaveProperty("senderName");
      expect((await log.getGroup(recent.groupId))?.entries[0]).toMatchObject({ conversationId: "chat-new" });
      expect(await log.pendingOutbox()).toEqual([]);
      expect(await log.applyRetention()).toBe(0);
      await log.close();
      if (reopen) {
        const again = await QuestionLog.open({ storage: await reopen(), now: () => now, retentionDays: 30 });
        expect((await again.getGroup(old.groupId))?.entries[0]).not.toHaveProperty("conversationId");
        expect((await again.getGroup(recent.groupId))?.entries[0]).toMatchObject({ conversationId: "chat-new" });
        await again.close();
      }
    });

    it("hands a named exclusive lock to one holder only", async () => {
      const { store } = await factory.fresh();
      expect(await store.tryExclusive("telegram-poll:123")).toBe(true);
      expect(await store.tryExclusive("telegram-poll:123")).toBe(false);
      expect(await store.tryExclusive("telegram-poll:456")).toBe(true);
      await store.close();
    });
  });
}
