import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/cli/main.js";
import { EmbeddedStore } from "../../src/log/embedded-store.js";
import { PgStore, SCHEMA_LATEST } from "../../src/log/pg-store.js";
import { QuestionLog } from "../../src/log/question-log.js";
import type { QuestionToRecord } from "../../src/log/types.js";
import { captureOutput, startTestBot } from "../helpers/bot-harness.js";
import { TestPostgres } from "../helpers/postgres.js";
import { useTempDirs } from "./helpers.js";

// PostgreSQL-only behaviour, on a real throw-away server (never a mock).
const tempDir = useTempDirs();
let server: TestPostgres | undefined;
beforeAll(async () => {
  server = await TestPostgres.start();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

const asked = (text: string, conversationId: string, channel = "web"): QuestionToRecord => ({ text, normalized: text, channel, conversationId, reason: "unanswered", candidates: [] });

async function cli(env: Record<string, string>, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const io = captureOutput();
    const code = await run(argv, io);
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe("PostgreSQL schema", () => {
  it("is created by the bot in a versioned migration table, once, even when two processes start at the same instant", async () => {
    const url = await server!.createDatabase();
    const [first, second] = await Promise.all([PgStore.open(url), PgStore.open(url)]);
    const { rows } = await first.query<{ version: number; description: string }>("SELECT version, description FROM talentbot_schema_migrations ORDER BY version");
    expect(rows.map((r) => r.version)).toEqual(Array.from({ length: SCHEMA_LATEST }, (_, i) => i + 1));
    expect(await first.migrate()).toEqual([]); // nothing left to apply
    await Promise.all([first.close(), second.close()]);
  });

  it("refuses a database migrated by a newer talentbot, saying what to do", async () => {
    const url = await server!.createDatabase();
    const store = await PgStore.open(url);
    await store.query("INSERT INTO talentbot_schema_migrations (version, description) VALUES ($1, 'from the future')", [SCHEMA_LATEST + 1]);
    await store.close();
    await expect(PgStore.open(url)).rejects.toThrow(
      new RegExp(
        `question log: the database postgres://postgres@127\\.0\\.0\\.1:\\d+/\\w+ has schema version ${SCHEMA_LATEST + 1}, written by a newer talentbot .*run the newer talentbot, or point DATABASE_URL at another database`,
      ),
    );
  });

  it("says clearly what is wrong with an unusable DATABASE_URL (no stack, no password)", async () => {
    const missingDb = server!.url("no_such_database").replace("postgres@", "postgres:secret@");
    await expect(QuestionLog.open({ retentionDays: 180, dataDir: await tempDir(), databaseUrl: missingDb })).rejects.toThrow(
      /3D000.*that database does not exist; create it \(createdb NAME\) or fix DATABASE_URL/,
    );
    await expect(QuestionLog.open({ retentionDays: 180, dataDir: await tempDir(), databaseUrl: missingDb })).rejects.not.toThrow(/secret/);
    await expect(QuestionLog.open({ retentionDays: 180, dataDir: await tempDir(), databaseUrl: "postgres://postgres@127.0.0.1:9/x" })).rejects.toThrow(/ECONNREFUSED.*the database cannot be reached/);
    const started = await cli({ DATABASE_URL: "postgres://postgres@127.0.0.1:9/x" }, "start", "--data-dir", await tempDir());
    expect(started.code).toBe(1);
    expect(started.err).toMatch(/talentbot: question log: PostgreSQL postgres:\/\/postgres@127\.0\.0\.1:9\/x failed \(ECONNREFUSED/);
  });
});

describe("outbox on PostgreSQL", () => {
  it("delivers each of 120 messages exactly once while two processes claim at the same time", async () => {
    const url = await server!.createDatabase();
    const a = await QuestionLog.open({ retentionDays: 180, storage: await PgStore.open(url) });
    const b = await QuestionLog.open({ retentionDays: 180, storage: await PgStore.open(url) });
    for (let i = 0; i < 120; i++) await a.record(asked("博士后补贴多少", `chat-${i}`));
    const [group] = await a.listGroups();
    await b.reply(group!.id, "每月 3000 元。");
    const delivered: string[] = [];
    const worker = async (log: QuestionLog): Promise<void> => {
      for (;;) {
        const claimed = await log.claimOutbox(["web"], { limit: 7 });
        if (claimed.length === 0) return;
        for (const message of claimed) {
          delivered.push(message.conversationId);
          await log.markSent(message.id);
        }
      }
    };
    await Promise.all([worker(a), worker(b), worker(a), worker(b)]);
    expect(delivered).toHaveLength(120);
    expect(new Set(delivered).size).toBe(120);
    expect(await a.pendingOutbox()).toEqual([]);
    await Promise.all([a.close(), b.close()]);
  });
});

describe("talentbot log migrate --to postgres", () => {
  it("copies the file log into the database with its ids, prints the counts, and is idempotent", async () => {
    const dataDir = await tempDir();
    const url = await server!.createDatabase();
    const file = await QuestionLog.open({ retentionDays: 180, dataDir });
    const first = await file.record(asked("博士安家费怎么申请", "c1"));
    await file.record(asked("博士安家费怎么申请", "c2", "telegram"));
    const other = await file.record(asked("明天会下雨吗", "c3"));
    await file.reply(first.groupId, "请向人社局申请。");
    await file.count("answered", "enroll-materials");
    await file.count("unanswered");
    await file.dismiss(other.groupId, "无关");
    const before = await file.monthlyReport(new Date().toISOString().slice(0, 7));
    await file.close();

    const migrated = await cli({ DATABASE_URL: url }, "log", "migrate", "--to", "postgres", "--data-dir", dataDir);
    expect(migrated.err).toBe("");
    expect(migrated.code).toBe(0);
    expect(migrated.out).toContain("file log: 3 questions, 2 groups, 2 outbox messages, 1 days of counters");
    expect(migrated.out).toContain("added now: 3 questions, 2 groups, 2 outbox messages, 1 days of counters");
    expect(migrated.out).toContain("database now: 3 questions, 2 groups, 2 outbox messages, 1 days of counters");

    const again = await cli({ DATABASE_URL: url }, "log", "migrate", "--to", "postgres", "--data-dir", dataDir);
    expect(again.code).toBe(0);
    expect(again.out).toContain("added now: 0 questions, 0 groups, 0 outbox messages, 0 days of counters");
    expect(again.out).toContain("database now: 3 questions, 2 groups, 2 outbox messages, 1 days of counters");
    expect(again.out).toMatch(/migrated before, on .*nothing was counted twice/);

    const db = await QuestionLog.open({ retentionDays: 180, dataDir, databaseUrl: url });
    expect((await db.listGroups()).map((g) => [g.id, g.status, g.count])).toEqual([
      [first.groupId, "replied", 2],
      [other.groupId, "dismissed", 1],
    ]);
    expect((await db.monthlyReport(before.month)).total).toEqual(before.total);
    expect((await db.pendingOutbox()).map((m) => m.conversationId)).toEqual(["c1", "c2"]);
    const next = await db.record(asked("人才公寓怎么申请", "c4"));
    expect(next.id).toBe("q4"); // ids continue after the migrated ones
    expect(next.groupId).toBe("g3");
    await db.close();

    // The CLI's staff commands work on the database when DATABASE_URL is set.
    const list = await cli({ DATABASE_URL: url }, "log", "list", "--data-dir", dataDir);
    expect(list.out).toMatch(/^g1 +replied +×2/m);

    // Another file log into a database that already has questions: refused, ids would collide.
    const otherDir = await tempDir();
    const otherLog = await QuestionLog.open({ retentionDays: 180, dataDir: otherDir });
    await otherLog.record(asked("子女入学需要什么材料", "x1"));
    await otherLog.close();
    const refusedUrl = await server!.createDatabase();
    const live = await QuestionLog.open({ retentionDays: 180, dataDir: `${otherDir}-unused`, databaseUrl: refusedUrl });
    await live.record(asked("已经在数据库里的问题", "y1"));
    await live.close();
    const refused = await cli({ DATABASE_URL: refusedUrl }, "log", "migrate", "--to", "postgres", "--data-dir", otherDir);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/already holds 1 question group\(s\) that were not migrated from .*Migrate into an empty database/);
  });

  it("needs --to postgres and DATABASE_URL, and refuses while a bot holds the file log", async () => {
    const dataDir = await tempDir();
    expect((await cli({}, "log", "migrate", "--data-dir", dataDir)).err).toContain("migrate needs --to postgres");
    const saved = process.env["DATABASE_URL"];
    delete process.env["DATABASE_URL"];
    try {
      expect((await cli({}, "log", "migrate", "--to", "postgres", "--data-dir", dataDir)).err).toContain("migrate --to postgres needs DATABASE_URL");
    } finally {
      if (saved !== undefined) process.env["DATABASE_URL"] = saved;
    }
    const holder = await EmbeddedStore.open(dataDir);
    const busy = await cli({ DATABASE_URL: await server!.createDatabase() }, "log", "migrate", "--to", "postgres", "--data-dir", dataDir);
    expect(busy.code).toBe(1);
    expect(busy.err).toMatch(/another talentbot process \(pid \d+\) is using .*questions\.json; stop it/);
    await holder.close();
  });
});

describe("PostgreSQL: the eligibility check's counts", () => {
  it("are shared: checks finished on two replicas show on either console, counts only", async () => {
    const databaseUrl = await server!.createDatabase();
    const knowledgeDir = fileURLToPath(new URL("../../knowledge/", import.meta.url));
    const [a, b] = await Promise.all([startTestBot({ knowledgeDir, dataDir: await tempDir(), databaseUrl }), startTestBot({ knowledgeDir, dataDir: await tempDir(), databaseUrl })]);
    try {
      const check = ["我能享受哪些政策", "尚未认定", "尚未在本市工作", "不是", "专科及以下", "50", "不确定，跳过", "是", "10"];
      for (const [replica, who] of [
        [a, "asker-a"],
        [b, "asker-b"],
      ] as const) {
        let last = "";
        for (const text of check) last = (await replica.say(text, { conversationId: who, senderId: who })).map((r) => r.text).join("\n");
        expect(last).toContain("政策计算器结果");
      }
      await Promise.all([a.runtime.bot.services.eligibility.flush(), b.runtime.bot.services.eligibility.flush()]);
      const seenByA = await a.runtime.bot.services.eligibility.snapshot();
      expect(seenByA.checks).toBe(2);
      expect(seenByA.benefits["talent-apartment-free"]).toEqual({ checked: 2, applies: 0 });
      expect(await b.runtime.bot.services.eligibility.snapshot()).toEqual(seenByA);
      const store = await PgStore.open(databaseUrl);
      const columns = await store.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name LIKE 'talentbot_eligibility_%' ORDER BY column_name");
      await store.close();
      expect(columns.rows.map((r) => r.column_name)).toEqual(["applies", "benefit_id", "checked", "checks", "id"]); // no answer of anybody
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
