import { describe, expect, it } from "vitest";
import { QuestionLog } from "../../src/log/question-log.js";
import { bigramDice } from "../../src/log/similarity.js";
import { readEmbeddedLog } from "../../src/log/embedded-store.js";
import { MemoryStore as MemoryStorage } from "../../src/log/memory-store.js";
import type { QuestionToRecord } from "../../src/log/types.js";
import { rawLogText, useTempDirs } from "./helpers.js";

const tempDir = useTempDirs();

function question(text: string, extra: Partial<QuestionToRecord> = {}): QuestionToRecord {
  return { text, normalized: text, channel: "web", reason: "unanswered", candidates: [], ...extra };
}

describe("bigramDice", () => {
  it("scores rewordings high and topic-only overlap low", () => {
    expect(bigramDice("博士安家费怎么申请", "博士安家费怎么申请")).toBe(1);
    expect(bigramDice("博士安家费怎么申请", "博士安家费如何申请")).toBeGreaterThanOrEqual(0.6);
    expect(bigramDice("博士安家费怎么申请", "硕士租房补贴怎么申请")).toBeLessThan(0.6);
    expect(bigramDice("子女入学政策", "博士安家费怎么申请")).toBe(0);
  });
});

describe("QuestionLog grouping", () => {
  it("folds similar questions into one group with count, variants, channels, reasons and best guesses", async () => {
    const dataDir = await tempDir();
    const log = await QuestionLog.open({ retentionDays: 180, dataDir });
    const first = await log.record(question("博士安家费怎么申请", { candidates: [{ faqId: "faq-housing", score: 0.41 }] }));
    const second = await log.record(
      question("博士安家费如何申请？", {
        normalized: "博士安家费如何申请",
        channel: "wecom",
        reason: "suggested",
        candidates: [
          { faqId: "faq-housing", score: 0.55 },
          { faqId: "faq-rent", score: 0.3 },
        ],
      }),
    );
    const third = await log.record(question("博士安家费怎么申请"));
    const other = await log.record(question("子女入学需要什么材料"));

    expect(second.groupId).toBe(first.groupId);
    expect(third.groupId).toBe(first.groupId);
    expect(other.groupId).not.toBe(first.groupId);

    const groups = await log.listGroups();
    expect(groups.map((group) => group.id)).toEqual([first.groupId, other.groupId]);
    const housing = groups[0]!;
    expect(housing).toMatchObject({
      status: "open",
      representative: "博士安家费怎么申请",
      variants: ["博士安家费怎么申请", "博士安家费如何申请？"],
      count: 3,
      channels: ["web", "wecom"],
      reasons: { unanswered: 2, suggested: 1 },
      bestGuesses: [
        { faqId: "faq-housing", score: 0.55 },
        { faqId: "faq-rent", score: 0.3 },
      ],
    });
    expect(groups[1]).toMatchObject({ count: 1, representative: "子女入学需要什么材料" });

    const detail = await log.getGroup(first.groupId);
    expect(detail?.entries.map((entry) => entry.id)).toEqual([first.id, second.id, third.id]);
    expect(await log.getGroup("g999")).toBeUndefined();
    await log.close();

    // The grouping is on disk, not only in memory.
    const onDisk = await readEmbeddedLog(dataDir);
    expect(onDisk.groups.map((group) => group.count)).toEqual([3, 1]);
    expect(onDisk.entries).toHaveLength(4);
  });

  it("masks text, normalised text and sender name before storing", async () => {
    const dataDir = await tempDir();
    const log = await QuestionLog.open({ retentionDays: 180, dataDir });
    const entry = await log.record(
      question("我的电话13812345678，安家费没到账", {
        normalized: "我的电话13812345678安家费没到账",
        senderName: "张三 13999998888",
        senderId: "wx-user-1",
        conversationId: "chat-1",
      }),
    );
    expect(entry.text).toBe("我的电话138****5678，安家费没到账");
    expect(entry.normalized).toBe("我的电话138****5678安家费没到账");
    expect(entry.senderName).toBe("张三 139****8888");
    await log.close();
    const raw = await rawLogText(dataDir);
    expect(raw).not.toContain("13812345678");
    expect(raw).not.toContain("13999998888");
    expect(raw).toContain("138****5678");
  });

  it("uses an injected similarity and threshold", async () => {
    const sameFirstCharacter = (a: string, b: string): number => (a.charAt(0) === b.charAt(0) ? 1 : 0);
    const log = await QuestionLog.open({ retentionDays: 180, storage: new MemoryStorage(), similarity: sameFirstCharacter, groupThreshold: 0.9 });
    const a = await log.record(question("人才公寓"));
    const b = await log.record(question("人事档案"));
    const c = await log.record(question("博士后"));
    expect(b.groupId).toBe(a.groupId);
    expect(c.groupId).not.toBe(a.groupId);
    await log.close();
  });

  it("only open groups collect new questions", async () => {
    const log = await QuestionLog.open({ retentionDays: 180, storage: new MemoryStorage() });
    const first = await log.record(question("博士安家费怎么申请"));
    await log.dismiss(first.groupId, "duplicate");
    const again = await log.record(question("博士安家费怎么申请"));
    expect(again.groupId).not.toBe(first.groupId);
    expect((await log.listGroups({ status: "open" })).map((group) => group.id)).toEqual([again.groupId]);
    await log.close();
  });

  it("sorts by count, then most recently asked, and filters by since", async () => {
    let now = new Date("2024-03-01T06:00:00Z");
    const log = await QuestionLog.open({ retentionDays: 180, storage: new MemoryStorage(), now: () => now });
    const old = await log.record(question("人才公寓在哪里申请"));
    now = new Date("2024-03-05T06:00:00Z");
    const popular = await log.record(question("子女入学需要什么材料"));
    await log.record(question("子女入学需要什么材料"));
    now = new Date("2024-03-09T06:00:00Z");
    const recent = await log.record(question("博士后补贴标准"));
    expect((await log.listGroups()).map((group) => group.id)).toEqual([popular.groupId, recent.groupId, old.groupId]);
    expect((await log.listGroups({ since: new Date("2024-03-04T00:00:00Z") })).map((group) => group.id)).toEqual([popular.groupId, recent.groupId]);
    await log.close();
  });

  it("returns copies: changing a returned group does not change the log", async () => {
    const log = await QuestionLog.open({ retentionDays: 180, storage: new MemoryStorage() });
    const entry = await log.record(question("博士安家费怎么申请"));
    (await log.listGroups())[0]!.count = 99;
    expect((await log.getGroup(entry.groupId))?.group.count).toBe(1);
    await log.close();
  });

  it("rejects unknown reasons and use after close with QuestionLogError", async () => {
    const log = await QuestionLog.open({ retentionDays: 180, storage: new MemoryStorage() });
    await expect(log.record(question("x", { reason: "bogus" as never }))).rejects.toThrow(/question log: unknown reason "bogus"/);
    await log.close();
    await expect(log.record(question("x"))).rejects.toMatchObject({ name: "QuestionLogError", message: expect.stringMatching(/closed/) });
  });
});

describe("requests for a person (人工)", () => {
  it("each get their own group: a staff reply reaches that asker only", async () => {
    const log = await QuestionLog.open({ retentionDays: 180, dataDir: await tempDir() });
    const a = await log.record(question("人工", { reason: "human", conversationId: "c1" }));
    const b = await log.record(question("人工", { reason: "human", conversationId: "c2" }));
    const c = await log.record(question("人工", { reason: "unanswered", conversationId: "c3" }));
    expect(new Set([a.groupId, b.groupId, c.groupId]).size).toBe(3);
    const sent = await log.reply(a.groupId, "您好，工作人员稍后致电。");
    expect(sent.map((m) => m.conversationId)).toEqual(["c1"]);
    await log.close();
  });
});

describe("QuestionLog.escalate (人工 about a question just asked)", () => {
  it("turns the entry into a request for a person in its group, and declines once staff handled the group", async () => {
    const dataDir = await tempDir();
    const log = await QuestionLog.open({ retentionDays: 180, dataDir });
    const asked = await log.record(question("博士安家费怎么申请", { reason: "excerpt", conversationId: "a" }));
    const escalated = await log.escalate(asked.id);
    expect(escalated).toMatchObject({ id: asked.id, reason: "human" });
    expect((await log.getGroup(asked.groupId))!.group).toMatchObject({ count: 1, reasons: { human: 1 } });
    expect(await log.listGroups()).toHaveLength(1);

    const later = await log.record(question("人才公寓怎么申请", { conversationId: "b" }));
    await log.dismiss(later.groupId, "测试");
    expect(await log.escalate(later.id)).toBeUndefined(); // record a new question instead
    expect(await log.escalate("q999")).toBeUndefined();
    await log.close();
    // Still one entry, a request for a person, after a restart.
    const reopened = await QuestionLog.open({ retentionDays: 180, dataDir });
    const groups = await reopened.listGroups();
    const entries = (await Promise.all(groups.map(async (g) => (await reopened.getGroup(g.id))!.entries))).flat();
    expect(entries.map((e) => e.reason).sort()).toEqual(["human", "unanswered"]);
    await reopened.close();
  });
});
