import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PgStore } from "../../src/log/pg-store.js";
import { waitFor } from "../helpers/bot-harness.js";
import { cleanEnv, ensureBuilt, startTalentbot, talentbot, type RunningCli } from "../helpers/built-cli.js";
import { writeMiniKb } from "../helpers/mini-kb.js";
import { TestPostgres } from "../helpers/postgres.js";
import { startEmulator } from "../helpers/telegram-emulator.js";
import { useTempDirs } from "../helpers/temp-dirs.js";

// Two `talentbot start` processes (bin/talentbot.js, as `npm start` runs it) on one real
// PostgreSQL, the same knowledge directory and even the same data directory.
const tempDir = useTempDirs();
const running: RunningCli[] = [];
let server: TestPostgres | undefined;

beforeAll(async () => {
  await ensureBuilt();
  server = await TestPostgres.start(); // fails the file, saying why, when PostgreSQL is missing
}, 180_000);
afterEach(() => {
  for (const bot of running.splice(0)) bot.child.kill("SIGKILL");
});
afterAll(async () => {
  await server?.stop();
});

const TOKEN = "replica-test-staff-token-0123456789";
/** Ten questions the mini knowledge base cannot answer, on unrelated subjects: ten groups. */
const TOPICS = [
  "明天会下雨吗",
  "火车票在哪里买",
  "附近有什么好吃的饭店",
  "股票明年会涨吗",
  "手机屏幕碎了怎么修",
  "电影院晚上几点关门",
  "成年人怎么学游泳",
  "猫咪不吃猫粮怎么办",
  "自行车链条怎么保养",
  "航班延误可以赔偿吗",
];

interface Replica {
  bot: RunningCli;
  url: string;
}

async function startReplica(options: { databaseUrl: string; knowledgeDir: string; dataDir: string; env?: Record<string, string> }): Promise<Replica> {
  const bot = startTalentbot(["start", "--data-dir", options.dataDir, "--knowledge", options.knowledgeDir], {
    env: cleanEnv({ DATABASE_URL: options.databaseUrl, TALENTBOT_WEB: "on", PORT: "0", TALENTBOT_CONSOLE: "off", ADMIN_TOKEN: TOKEN, TALENTBOT_TRUST_PROXY: "1", ...options.env }),
  });
  running.push(bot);
  await waitFor(() => /web chat http:\/\/127\.0\.0\.1:\d+\//.test(bot.stderr()) || bot.child.exitCode !== null, "a replica to start", 30_000);
  const match = /web chat (http:\/\/127\.0\.0\.1:\d+)\//.exec(bot.stderr());
  if (!match) throw new Error(`the replica did not start:\n${bot.stderr()}`);
  return { bot, url: match[1]! };
}

const sessionOf = (i: number): string => `replicaSession_${String(i).padStart(5, "0")}`;

/** One chat message as the page sends it, from its own client address (rate limits count per address). */
async function ask(replica: Replica, i: number, text: string): Promise<{ ok: boolean; replies: { text: string }[] }> {
  const response = await fetch(`${replica.url}/api/chat`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": `10.1.${i >> 8}.${i & 255}` },
    body: JSON.stringify({ sessionId: sessionOf(i), text }),
  });
  const body = (await response.json()) as { replies?: { text: string }[] };
  return { ok: response.ok, replies: body.replies ?? [] };
}

async function history(replica: Replica, i: number): Promise<{ from: string; text: string; seq: number }[]> {
  const response = await fetch(`${replica.url}/api/chat/history?sessionId=${sessionOf(i)}&after=0`, { headers: { "x-forwarded-for": `10.2.${i >> 8}.${i & 255}` } });
  return ((await response.json()) as { messages: { from: string; text: string; seq: number }[] }).messages;
}

/** Runs `work` for 0…n-1 with at most `limit` at a time. */
async function bounded(n: number, limit: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

async function withStore<T>(url: string, work: (store: PgStore) => Promise<T>): Promise<T> {
  const store = await PgStore.open(url);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

describe("two replicas on one PostgreSQL", () => {
  it("counts and groups hundreds of concurrent questions once each, delivers a staff reply entered on A exactly once to askers served by B, and reloads knowledge on each", async () => {
    const databaseUrl = await server!.createDatabase();
    const knowledgeDir = await writeMiniKb();
    const dataDir = await tempDir(); // the same data directory for both: no lock file with a shared log
    const [a, b] = await Promise.all([startReplica({ databaseUrl, knowledgeDir, dataDir }), startReplica({ databaseUrl, knowledgeDir, dataDir })]);
    expect(a.bot.stderr()).toMatch(/question log postgres:\/\/postgres@127\.0\.0\.1:\d+\/\w+ \(PostgreSQL, shared by every replica on it\)/);

    const total = 300; // 30 askers per topic, every other one on each replica, 16 at a time per replica
    const served = (i: number): Replica => (i % 2 === 0 ? a : b);
    const failures: number[] = [];
    await bounded(total, 32, async (i) => {
      const result = await ask(served(i), i, TOPICS[i % TOPICS.length]!);
      if (!result.ok || result.replies.length === 0) failures.push(i);
    });
    expect(failures).toEqual([]);

    await withStore(databaseUrl, async (store) => {
      const groups = await store.listGroups();
      expect(groups.map((g) => [g.representative, g.count]).sort()).toEqual(TOPICS.map((t) => [t, 30]).sort());
      expect((await store.counts()).entries).toBe(total);
      const sessions = await store.query<{ n: string }>("SELECT count(DISTINCT data->>'conversationId') AS n FROM talentbot_entries");
      expect(Number(sessions.rows[0]!.n)).toBe(total);
      const today = await store.query<{ n: string }>("SELECT sum(n) AS n FROM talentbot_counters WHERE key = 'questions'");
      expect(Number(today.rows[0]!.n)).toBe(total); // each counted once
    });

    // Staff answer topic 0 on replica A's console.
    const login = await fetch(`${a.url}/api/admin/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: TOKEN }) });
    expect(login.status).toBe(200);
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const groups = (await (await fetch(`${a.url}/api/admin/groups?status=open`, { headers: { cookie } })).json()) as
      | { groups?: { id: string; representative: string }[] }
      | { id: string; representative: string }[];
    const list = Array.isArray(groups) ? groups : (groups.groups ?? []);
    const target = list.find((g) => g.representative === TOPICS[0])!;
    expect(target).toBeDefined();
    const replied = await fetch(`${a.url}/api/admin/groups/${target.id}/reply`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, "x-csrf-token": csrfToken },
      body: JSON.stringify({ text: "天气请查询气象台。" }),
    });
    expect(replied.status).toBe(200);

    // Every asker of topic 0 sees the reply, read from the replica that did NOT serve them.
    const askers = Array.from({ length: total }, (_, i) => i).filter((i) => i % TOPICS.length === 0);
    const other = (i: number): Replica => (i % 2 === 0 ? b : a);
    await waitFor(
      async () => {
        for (const i of askers) if (!(await history(other(i), i)).some((item) => item.from === "staff")) return false;
        return true;
      },
      "the staff reply in every asker's chat",
      30_000,
    );
    // Both replicas keep running their outbox (every 2 s): nobody gets it twice.
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    for (const i of askers) {
      const staff = (await history(served(i), i)).filter((item) => item.from === "staff");
      expect(staff.map((item) => item.text)).toEqual([`关于您咨询的“${TOPICS[0]}”，工作人员答复如下：\n天气请查询气象台。`]);
    }
    await withStore(databaseUrl, async (store) => {
      const outbox = await store.query<{ sent: string; total: string }>("SELECT count(sent_at) AS sent, count(*) AS total FROM talentbot_outbox");
      expect(outbox.rows[0]).toEqual({ sent: "30", total: "30" });
    });

    // Each replica watches the shared knowledge directory and reloads it by itself.
    const question = "人才公寓怎么申请入住";
    expect((await ask(a, 500, question)).replies[0]!.text).not.toContain("向住建部门提交入住申请");
    await writeFile(
      join(knowledgeDir, "faq", "talent-apartment.md"),
      [
        "---",
        "schemaVersion: 1",
        "id: talent-apartment",
        "question: 人才公寓怎么申请入住？",
        "alternates:",
        "  - 人才公寓如何申请",
        "source:",
        "  doc: rules",
        "  article: 第三条",
        "sample: false",
        "---",
        "向住建部门提交入住申请。",
      ].join("\n"),
    );
    let n = 600;
    for (const replica of [a, b]) {
      await waitFor(async () => (await ask(replica, n++, question)).replies.some((r) => r.text.includes("向住建部门提交入住申请")), "the new FAQ to be answered", 20_000);
      expect(replica.bot.stderr()).toContain("knowledge base reloaded: 3 FAQ entries");
    }

    a.bot.child.kill("SIGTERM");
    b.bot.child.kill("SIGTERM");
    expect(await a.bot.exited).toBe(0);
    expect(await b.bot.exited).toBe(0);
  });

  it("loses no acknowledged question when one replica is killed with SIGKILL mid-burst", async () => {
    const databaseUrl = await server!.createDatabase();
    const knowledgeDir = await writeMiniKb();
    const [a, b] = await Promise.all([startReplica({ databaseUrl, knowledgeDir, dataDir: await tempDir() }), startReplica({ databaseUrl, knowledgeDir, dataDir: await tempDir() })]);
    const acknowledged: number[] = [];
    let fromB = 0;
    await bounded(240, 24, async (i) => {
      const replica = i % 2 === 0 ? a : b;
      try {
        const result = await ask(replica, i, `${TOPICS[i % TOPICS.length]!}？`);
        if (result.ok) {
          acknowledged.push(i);
          if (replica === b && ++fromB === 40) b.bot.child.kill("SIGKILL");
        }
      } catch {
        // B is gone: a request that got no answer was never acknowledged.
      }
    });
    expect(await b.bot.exited).toBeNull(); // killed by a signal
    expect(fromB).toBeGreaterThanOrEqual(40);
    expect(acknowledged.filter((i) => i % 2 === 0)).toHaveLength(120); // A answered all of its own

    await withStore(databaseUrl, async (store) => {
      const { rows } = await store.query<{ conversation: string; n: string }>("SELECT data->>'conversationId' AS conversation, count(*) AS n FROM talentbot_entries GROUP BY 1");
      const stored = new Map(rows.map((r) => [r.conversation, Number(r.n)]));
      expect(acknowledged.filter((i) => stored.get(sessionOf(i)) !== 1)).toEqual([]);
      const groups = await store.listGroups();
      expect(groups).toHaveLength(TOPICS.length);
      expect(groups.reduce((sum, g) => sum + g.count, 0)).toBe(rows.reduce((sum, r) => sum + Number(r.n), 0));
    });
    a.bot.child.kill("SIGTERM");
    expect(await a.bot.exited).toBe(0);
  });

  it("keeps answering while the database is away for a few seconds, says why questions are not saved, and recovers without a restart", async () => {
    const databaseUrl = await server!.createDatabase();
    const knowledgeDir = await writeMiniKb();
    const a = await startReplica({ databaseUrl, knowledgeDir, dataDir: await tempDir() });
    expect((await ask(a, 1, TOPICS[1]!)).ok).toBe(true);

    await server!.stopServer();
    try {
      const during = await ask(a, 2, TOPICS[2]!);
      expect(during.ok).toBe(true); // the user still gets the answer
      expect(during.replies[0]!.text).toContain("抱歉，暂时无法回答。");
      await waitFor(
        () => /question log: PostgreSQL postgres:\/\/postgres@127\.0\.0\.1:\d+\/\w+ failed \(.*\): the database cannot be reached; questions are not saved until it is back/.test(a.bot.stderr()),
        "the operator to be told",
        15_000,
      );
      expect(a.bot.stderr()).not.toMatch(/\n\s+at /); // no stack traces
    } finally {
      await server!.startServer();
    }
    // Back: the same process saves again (the pool makes new connections).
    await waitFor(async () => (await ask(a, 3, TOPICS[3]!)).ok, "an answer after the restart", 15_000);
    await withStore(databaseUrl, async (store) => {
      const { rows } = await store.query<{ conversation: string }>("SELECT data->>'conversationId' AS conversation FROM talentbot_entries ORDER BY seq");
      expect(rows.map((r) => r.conversation)).toEqual(expect.arrayContaining([sessionOf(1), sessionOf(3)]));
      expect(rows.map((r) => r.conversation)).not.toContain(sessionOf(2)); // asked while the database was away
    });
    expect(a.bot.child.exitCode).toBeNull();
    a.bot.child.kill("SIGTERM");
    expect(await a.bot.exited).toBe(0);
  });

  it("refuses a second Telegram long-poller for the same token, saying what to do", async () => {
    const databaseUrl = await server!.createDatabase();
    const knowledgeDir = await writeMiniKb();
    // An API root where nothing listens: the first replica reports it and retries in the background.
    const telegram = { TELEGRAM_BOT_TOKEN: "123456:replica-test-token", TELEGRAM_API_ROOT: "http://127.0.0.1:9" };
    const a = await startReplica({ databaseUrl, knowledgeDir, dataDir: await tempDir(), env: telegram });
    const b = await talentbot(["start", "--data-dir", await tempDir(), "--knowledge", knowledgeDir], {
      env: cleanEnv({ DATABASE_URL: databaseUrl, TALENTBOT_WEB: "on", PORT: "0", TALENTBOT_CONSOLE: "off", ADMIN_TOKEN: TOKEN, ...telegram }),
    });
    expect(b.code).toBe(1);
    expect(b.stderr).toContain("talentbot: telegram: another talentbot replica on this database already long-polls this bot token");
    expect(b.stderr).toContain("set TELEGRAM_WEBHOOK_URL");
    expect(b.stderr).not.toMatch(/\n\s+at /);
    expect(a.bot.child.exitCode).toBeNull();

    const webhookWithoutSecret = await talentbot(["start", "--data-dir", await tempDir(), "--knowledge", knowledgeDir], {
      env: cleanEnv({ DATABASE_URL: databaseUrl, TALENTBOT_WEB: "on", PORT: "0", TALENTBOT_CONSOLE: "off", ...telegram, TELEGRAM_WEBHOOK_URL: "https://bot.example.gov.cn/telegram/webhook" }),
    });
    expect(webhookWithoutSecret.code).toBe(1);
    expect(webhookWithoutSecret.stderr).toContain("set TELEGRAM_WEBHOOK_SECRET, the same on every replica");
    a.bot.child.kill("SIGTERM");
    expect(await a.bot.exited).toBe(0);
  });
  it("serves Telegram webhook updates on either replica, and delivers a staff reply to Telegram askers once", async () => {
    const databaseUrl = await server!.createDatabase();
    const knowledgeDir = await writeMiniKb();
    const emulator = await startEmulator();
    try {
      const token = "4242:REPLICA-webhook-token";
      const secret = "same-secret-on-every-replica_1";
      const telegram = { TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: emulator.config.apiURL, TELEGRAM_WEBHOOK_URL: "https://bot.example.test/telegram/webhook", TELEGRAM_WEBHOOK_SECRET: secret };
      const [a, b] = await Promise.all([
        startReplica({ databaseUrl, knowledgeDir, dataDir: await tempDir(), env: telegram }),
        startReplica({ databaseUrl, knowledgeDir, dataDir: await tempDir(), env: telegram }),
      ]);
      // What Telegram does: post each update to the balancer, which hands it to either replica.
      const chats = [301, 302, 303, 304];
      for (const [index, chat] of chats.entries()) {
        const client = emulator.getClient(token, { userId: chat, chatId: chat, type: "private", firstName: `U${chat}`, userName: `u${chat}` });
        const update = { update_id: index + 1, message: { ...client.makeMessage(TOPICS[0]!), message_id: 10 + index } };
        const replica = index % 2 === 0 ? a : b;
        const posted = await fetch(`${replica.url}/telegram/webhook`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
          body: JSON.stringify(update),
        });
        expect(posted.status).toBe(200);
      }
      const sent = (chat: number): string[] =>
        emulator.storage.botMessages.filter((m) => m.botToken === token && String(m.message.chat_id) === String(chat)).map((m) => (m.message as unknown as { text: string }).text);
      await waitFor(() => chats.every((chat) => sent(chat).length === 1), "an answer in every chat");
      const group = await withStore(databaseUrl, async (store) => {
        await waitFor(async () => (await store.listGroups())[0]?.count === 4, "the four questions in one group");
        return (await store.listGroups())[0]!;
      });
      expect(group.channels).toEqual(["telegram"]);

      // Staff reply from the command line, on the database; the replicas' outboxes deliver it.
      const replied = await talentbot(["log", "reply", group.id, "请查询气象台。", "--knowledge", knowledgeDir, "--data-dir", await tempDir()], { env: cleanEnv({ DATABASE_URL: databaseUrl }) });
      expect(replied.stdout).toContain("the running replicas deliver replies");
      await waitFor(() => chats.every((chat) => sent(chat).length === 2), "the staff reply in every chat", 20_000);
      await new Promise((resolve) => setTimeout(resolve, 4_500)); // more outbox rounds on both replicas
      for (const chat of chats) expect(sent(chat)).toHaveLength(2);
      expect(sent(chats[0]!)[1]).toContain("请查询气象台。");
      a.bot.child.kill("SIGTERM");
      b.bot.child.kill("SIGTERM");
      expect(await a.bot.exited).toBe(0);
      expect(await b.bot.exited).toBe(0);
    } finally {
      await emulator.stop();
    }
  });
});
