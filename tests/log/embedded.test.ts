import { cp, readFile, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EmbeddedStore, readEmbeddedLog } from "../../src/log/embedded-store.js";
import { QuestionLog } from "../../src/log/question-log.js";
import { emptyLogData } from "../../src/log/schema.js";
import type { LogData, QuestionToRecord } from "../../src/log/types.js";
import { useTempDirs } from "./helpers.js";

// The embedded layout (DESIGN.md, "Embedded layout"): what each message writes, and what a crash leaves.
const tempDir = useTempDirs();
const TOPICS = ["博士安家费怎么申请", "明天会下雨吗", "人才公寓租金标准", "教师招聘笔试范围"];
const asked = (text: string, conversationId = "c1"): QuestionToRecord => ({ text, normalized: text, channel: "web", conversationId, reason: "unanswered", candidates: [] });

describe("embedded log files", () => {
  it("appends a line per question and per count and leaves questions.json alone until a snapshot", async () => {
    const dataDir = await tempDir();
    const now = new Date("2024-03-05T09:00:00Z");
    const log = await QuestionLog.open({ retentionDays: 180, dataDir, now: () => now });
    const state = join(dataDir, "questions.json");
    await log.record(asked(TOPICS[0]!, "c-first"));
    await log.count("unanswered"); // the month's first count starts its counters in questions.json
    const before = await stat(state);
    for (let i = 1; i < 20; i++) {
      await log.record(asked(TOPICS[i % 4]!, `c${i}`));
      await log.count("unanswered");
    }
    const after = await stat(state);
    expect(after.mtimeMs).toBe(before.mtimeMs); // not rewritten per message
    const entries = (await readFile(join(dataDir, "questions", "2024-03.entries.jsonl"), "utf8")).trim().split("\n");
    expect(JSON.parse(entries[0]!)).toEqual({ schemaVersion: 2, kind: "talentbot question entries", month: "2024-03" });
    expect(entries).toHaveLength(21); // header + 20 questions
    const journals = (await readdir(join(dataDir, "questions"))).filter((n) => n.startsWith("journal-"));
    expect(journals).toHaveLength(1);
    expect((await readFile(join(dataDir, "questions", journals[0]!), "utf8")).trim().split("\n")).toHaveLength(20); // header + the 19 counts since that snapshot
    await log.close(); // a snapshot: the next open replays nothing, the journal is gone
    expect((await stat(state)).mtimeMs).toBeGreaterThan(before.mtimeMs);
    expect((await readdir(join(dataDir, "questions"))).filter((n) => n.startsWith("journal-"))).toEqual([]);
    const reopened = await QuestionLog.open({ retentionDays: 180, dataDir, now: () => now });
    expect((await reopened.listGroups()).map((g) => g.count)).toEqual([5, 5, 5, 5]);
    expect((await reopened.monthlyReport("2024-03")).total.unanswered).toBe(20);
    await reopened.close();
  });

  it("replays questions and counts written after the last snapshot when the process died without closing", async () => {
    const dataDir = await tempDir();
    const now = new Date("2024-03-05T09:00:00Z");
    const log = await QuestionLog.open({ retentionDays: 180, dataDir, now: () => now });
    const first = await log.record(asked("博士安家费怎么申请", "c1"));
    await log.record(asked("博士安家费怎么申请", "c2"));
    await log.record(asked("明天会下雨吗", "c3"));
    await log.count("unanswered");
    await log.count("answered", "enroll-materials");
    // What a SIGKILL now leaves: the files as they are, lock and all (its pid is ours, so copy the rest).
    const crashed = await tempDir();
    for (const name of ["questions.json", "questions"]) await cp(join(dataDir, name), join(crashed, name), { recursive: true });
    await log.close();

    const recovered = await QuestionLog.open({ retentionDays: 180, dataDir: crashed, now: () => now });
    expect(recovered.warnings).toEqual([]);
    expect((await recovered.listGroups()).map((g) => [g.id, g.count])).toEqual([
      [first.groupId, 2],
      ["g2", 1],
    ]);
    expect((await recovered.monthlyReport("2024-03")).total).toMatchObject({ questions: 2, unanswered: 1, answered: 1 });
    expect(await recovered.faqHits()).toEqual({ "enroll-materials": 1 });
    const next = await recovered.record(asked("人才公寓怎么申请", "c4"));
    expect([next.id, next.groupId]).toEqual(["q4", "g3"]); // the sequences continue after the replayed ids
    await recovered.close();
  });

  it("removes a line cut off by a crash while appending, with a warning, and keeps every whole one", async () => {
    const dataDir = await tempDir();
    const now = new Date("2024-03-05T09:00:00Z");
    const log = await QuestionLog.open({ retentionDays: 180, dataDir, now: () => now });
    await log.record(asked("博士安家费怎么申请"));
    await log.close();
    const file = join(dataDir, "questions", "2024-03.entries.jsonl");
    await writeFile(file, `${await readFile(file, "utf8")}{"id":"q2","groupId":"g1","text":"半截`);
    const reopened = await QuestionLog.open({ retentionDays: 180, dataDir, now: () => now });
    expect(reopened.warnings).toEqual([`question log: ${file} ended in a cut-off line (a crash while writing); that line was removed.`]);
    expect((await reopened.listGroups())[0]?.count).toBe(1);
    await reopened.record(asked("博士安家费怎么申请"));
    await reopened.close();
    expect((await readEmbeddedLog(dataDir)).entries).toHaveLength(2);
  });

  it("starts again after a kill between creating a month's files and their first write (empty, or a cut header)", async () => {
    const now = new Date("2024-03-05T09:00:00Z");
    for (const leftover of ["", '{"schemaVersion":2,"kind":"talentb']) {
      const dataDir = await tempDir();
      const log = await QuestionLog.open({ retentionDays: 180, dataDir, now: () => now });
      await log.record(asked("博士安家费怎么申请"));
      await log.close();
      const history = join(dataDir, "questions");
      const entries = join(history, "2024-03.entries.jsonl");
      // As a kill -9 leaves them: the entries file opened (created) but nothing written, the open work not yet saved.
      await writeFile(entries, leftover);
      for (const name of (await readdir(history)).filter((n) => n.endsWith(".counts.jsonl") || n.includes("journal"))) await writeFile(join(history, name), leftover);
      const reopened = await QuestionLog.open({ retentionDays: 180, dataDir, now: () => now });
      const next = await reopened.record(asked("子女入学需要什么材料", "c2"));
      await reopened.close();
      const again = await QuestionLog.open({ retentionDays: 180, dataDir, now: () => now });
      expect(
        (await again.getGroup(next.groupId))!.entries.map((e) => e.text),
        JSON.stringify(leftover),
      ).toEqual(["子女入学需要什么材料"]);
      await again.close();
    }
  });

  it("moves closed groups, delivered replies and past months' counters out of questions.json into month files", async () => {
    const dataDir = await tempDir();
    let now = new Date("2024-03-05T09:00:00Z");
    const log = await QuestionLog.open({ retentionDays: 180, dataDir, now: () => now });
    const replied = await log.record(asked("博士安家费怎么申请"));
    const open = await log.record(asked("明天会下雨吗"));
    await log.count("unanswered");
    const [message] = await log.reply(replied.groupId, "请向人社局申请。");
    await log.markSent(message!.id);
    now = new Date("2024-04-02T09:00:00Z");
    await log.count("answered", "enroll-materials");
    await log.close();

    const state = JSON.parse(await readFile(join(dataDir, "questions.json"), "utf8")) as { schemaVersion: number; groups: { id: string }[]; outbox: unknown[]; counters: Record<string, unknown> };
    expect(state.schemaVersion).toBe(2);
    expect(state.groups.map((g) => g.id)).toEqual([open.groupId]);
    expect(state.outbox).toEqual([]);
    expect(Object.keys(state.counters)).toEqual(["2024-04-02"]);
    const march = JSON.parse(await readFile(join(dataDir, "questions", "2024-03.json"), "utf8")) as {
      schemaVersion: number;
      month: string;
      groups: { id: string; status: string }[];
      outbox: { id: string }[];
      counters: Record<string, unknown>;
    };
    expect(march).toMatchObject({ schemaVersion: 2, month: "2024-03" });
    expect(march.groups.map((g) => [g.id, g.status])).toEqual([[replied.groupId, "replied"]]);
    expect(march.outbox.map((m) => m.id)).toEqual([message!.id]);
    expect(Object.keys(march.counters)).toEqual(["2024-03-05"]);

    const reopened = await QuestionLog.open({ retentionDays: 180, dataDir, now: () => now });
    expect((await reopened.monthlyReport("2024-03")).total.unanswered).toBe(1);
    expect((await reopened.monthlyReport("2024-04")).total.answered).toBe(1);
    expect((await reopened.getGroup(replied.groupId))?.group.status).toBe("replied");
    // A later change of a closed group rewrites its month file only.
    await reopened.markPromoted(replied.groupId, "housing");
    await reopened.close();
    expect((await readEmbeddedLog(dataDir)).groups.find((g) => g.id === replied.groupId)?.status).toBe("promoted");
  });

  it("converts a schemaVersion 1 questions.json (everything in one file), keeping a copy and saying so", async () => {
    const dataDir = await tempDir();
    const v1: LogData = {
      ...emptyLogData(),
      entries: [
        {
          id: "q1",
          groupId: "g1",
          text: "博士安家费怎么申请",
          normalized: "博士安家费怎么申请",
          askedAt: "2024-01-10T01:00:00.000Z",
          channel: "web",
          conversationId: "c1",
          reason: "unanswered",
          candidates: [],
        },
        { id: "q2", groupId: "g2", text: "明天会下雨吗", normalized: "明天会下雨吗", askedAt: "2024-02-10T01:00:00.000Z", channel: "web", conversationId: "c2", reason: "unanswered", candidates: [] },
      ],
      groups: [
        {
          id: "g1",
          status: "dismissed",
          dismissReason: "无关",
          representative: "博士安家费怎么申请",
          variants: ["博士安家费怎么申请"],
          matchKeys: ["博士安家费怎么申请"],
          count: 1,
          firstAskedAt: "2024-01-10T01:00:00.000Z",
          lastAskedAt: "2024-01-10T01:00:00.000Z",
          channels: ["web"],
          reasons: { unanswered: 1 },
          bestGuesses: [],
          updatedAt: "2024-01-11T01:00:00.000Z",
        },
        {
          id: "g2",
          status: "open",
          representative: "明天会下雨吗",
          variants: ["明天会下雨吗"],
          matchKeys: ["明天会下雨吗"],
          count: 1,
          firstAskedAt: "2024-02-10T01:00:00.000Z",
          lastAskedAt: "2024-02-10T01:00:00.000Z",
          channels: ["web"],
          reasons: { unanswered: 1 },
          bestGuesses: [],
          updatedAt: "2024-02-10T01:00:00.000Z",
        },
      ],
      counters: { "2024-01-10": { questions: 3, answered: 2, suggested: 0, excerpt: 0, unanswered: 1, smalltalk: 0, human: 0, unhelpful: 0, faqHits: { "enroll-materials": 2 } } },
      nextId: { entry: 3, group: 3, message: 1 },
    };
    await writeFile(join(dataDir, "questions.json"), JSON.stringify(v1));
    const now = new Date("2024-02-20T00:00:00Z");
    const log = await QuestionLog.open({ dataDir, now: () => now, retentionDays: 3650 });
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toMatch(/\(schemaVersion 1, one file\) was converted to the monthly layout .*the old file is kept as .*questions\.json\.v1-2024-02-20T00-00-00-000Z/);
    expect(JSON.parse(await readFile(join(dataDir, "questions.json.v1-2024-02-20T00-00-00-000Z"), "utf8"))).toEqual(v1);
    expect((await log.listGroups()).map((g) => [g.id, g.status])).toEqual([
      ["g2", "open"],
      ["g1", "dismissed"],
    ]);
    expect((await log.monthlyReport("2024-01")).total).toMatchObject({ questions: 3, answered: 2 });
    expect((await log.record(asked("人才公寓怎么申请"))).id).toBe("q3");
    await log.close();
    expect((await readEmbeddedLog(dataDir)).entries.map((e) => e.id)).toEqual(["q1", "q2", "q3"]);
    const second = await QuestionLog.open({ dataDir, now: () => now, retentionDays: 3650 });
    expect(second.warnings).toEqual([]); // converted once
    await second.close();
  });

  it("refuses an entries file of an unknown schema version with a clear message", async () => {
    const dataDir = await tempDir();
    const log = await QuestionLog.open({ retentionDays: 180, dataDir });
    await log.close();
    await writeFile(join(dataDir, "questions", "2024-03.entries.jsonl"), `${JSON.stringify({ schemaVersion: 9, kind: "talentbot question entries", month: "2024-03" })}\n`);
    await expect(EmbeddedStore.open(dataDir)).rejects.toThrow(
      /2024-03\.entries\.jsonl cannot be read: schemaVersion 9 is not supported \(expected 2\)\. Move it out of .*questions \(or restore it\) and start again\./,
    );
  });
});
