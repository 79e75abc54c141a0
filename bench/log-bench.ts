/**
 * The log section of `npm run bench`: what the question log costs per message (record the
 * question + count the outcome, as the pipeline does for an unanswered question) with 1k, 10k
 * and 100k questions already logged, for each storage: the embedded lowdb files and
 * PostgreSQL (BENCH_DATABASE_URL, else a throw-away server if PostgreSQL is installed).
 * The answer itself is not part of it.
 */
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { EmbeddedStore, LOG_FILE_NAME } from "#src/log/embedded-store.js";
import { migrateToPostgres } from "#src/log/migrate.js";
import { PgStore } from "#src/log/pg-store.js";
import { QuestionLog } from "#src/log/question-log.js";
import { emptyLogData } from "#src/log/schema.js";
import type { LogStore } from "#src/log/store.js";
import type { DayCounters, LogData, LoggedQuestion, OutboxMessage, QuestionGroup, QuestionToRecord } from "#src/log/types.js";
import { ThrowawayPostgres } from "./throwaway-postgres.js";

const MEASURED = 500;
const WARM_UP = 50;
const PER_DAY = 200;
const PER_GROUP = 3;
/** The most recent questions whose groups staff have not handled yet. */
const OPEN_QUESTIONS = 300;

const TOPICS = [
  "博士安家费怎么申请",
  "子女入学需要什么材料",
  "人才公寓租金标准",
  "硕士生活补贴发放时间",
  "教师招聘笔试范围",
  "职称评审条件",
  "落户需要哪些证明",
  "科研启动经费",
  "创业补贴申请流程",
  "医疗保障待遇",
];

/** A history of `n` questions, 200 a day back from `now`, three per group, all but the newest groups closed by staff. */
export function syntheticHistory(n: number, now: Date): LogData {
  const data = emptyLogData();
  const groups: QuestionGroup[] = [];
  const entries: LoggedQuestion[] = [];
  const outbox: OutboxMessage[] = [];
  const counters: Record<string, DayCounters> = {};
  for (let i = 0; i < n; i++) {
    const age = n - 1 - i; // 0 = newest
    const askedAt = new Date(now.getTime() - Math.floor(age / PER_DAY) * 86_400_000 - (age % PER_DAY) * 60_000).toISOString();
    const g = Math.floor(i / PER_GROUP);
    const topic = `${TOPICS[g % TOPICS.length]!}${g}号`;
    const entry: LoggedQuestion = {
      id: `q${i + 1}`,
      groupId: `g${g + 1}`,
      text: `${topic}？第${i}问`,
      normalized: topic,
      askedAt,
      channel: i % 2 === 0 ? "web" : "telegram",
      conversationId: `conv-${i % 5000}`,
      senderId: `user-${i % 5000}`,
      reason: "unanswered",
      candidates: [{ faqId: "enroll-materials", score: 0.3 }],
    };
    entries.push(entry);
    let group = groups[g];
    if (!group) {
      group = {
        id: entry.groupId,
        status: "open",
        representative: entry.text,
        variants: [],
        matchKeys: [topic],
        count: 0,
        firstAskedAt: askedAt,
        lastAskedAt: askedAt,
        channels: [],
        reasons: {},
        bestGuesses: entry.candidates,
        updatedAt: askedAt,
      };
      groups[g] = group;
    }
    group.count++;
    group.lastAskedAt = askedAt;
    group.updatedAt = askedAt;
    if (group.variants.length < 20) group.variants.push(entry.text);
    if (!group.channels.includes(entry.channel)) group.channels.push(entry.channel);
    group.reasons.unanswered = (group.reasons.unanswered ?? 0) + 1;
    const day = askedAt.slice(0, 10);
    const c = (counters[day] ??= { questions: 0, answered: 0, suggested: 0, excerpt: 0, unanswered: 0, smalltalk: 0, human: 0, unhelpful: 0, faqHits: {} });
    c.questions += 4;
    c.answered += 3;
    c.unanswered += 1;
    c.faqHits["enroll-materials"] = (c.faqHits["enroll-materials"] ?? 0) + 3;
  }
  for (const group of groups) {
    const lastIndex = Number(group.id.slice(1)) * PER_GROUP;
    if (n - lastIndex < OPEN_QUESTIONS) continue; // the newest groups stay open
    if (Number(group.id.slice(1)) % 2 === 0) {
      group.status = "replied";
      group.reply = { text: "请见相关政策。", repliedAt: group.lastAskedAt };
      outbox.push({
        id: `m${outbox.length + 1}`,
        groupId: group.id,
        channel: "web",
        conversationId: "conv-1",
        text: "请见相关政策。",
        createdAt: group.lastAskedAt,
        attempts: 0,
        sentAt: group.lastAskedAt,
      });
    } else {
      group.status = "dismissed";
      group.dismissReason = "与人才政策无关";
    }
  }
  return { ...data, entries, groups, outbox, counters, nextId: { entry: n + 1, group: groups.length + 1, message: outbox.length + 1 } };
}

function question(i: number): QuestionToRecord {
  // Every other question joins an open group, the others start one.
  const topic = i % 2 === 0 ? `${TOPICS[i % TOPICS.length]!}新问题${i}` : `${TOPICS[(i >> 1) % TOPICS.length]!}新问题${(i >> 1) * 2}`;
  return { text: `${topic}？`, normalized: topic, channel: "web", conversationId: `bench-${i}`, senderId: `bench-${i}`, reason: "unanswered", candidates: [{ faqId: "enroll-materials", score: 0.3 }] };
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function measure(store: LogStore): Promise<{ p50: number; p99: number; max: number }> {
  const log = await QuestionLog.open({ retentionDays: 180, storage: store });
  // Opening parsed the whole history: collect that garbage first, as a running bot did long
  // before its next message (the open itself is the "open" column).
  global.gc?.();
  const times: number[] = [];
  try {
    for (let i = 0; i < WARM_UP + MEASURED; i++) {
      const t = performance.now();
      await log.record(question(i));
      await log.count("unanswered");
      if (i >= WARM_UP) times.push(performance.now() - t);
    }
  } finally {
    await log.close();
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), max: times.at(-1)! };
}

const ms = (n: number): string => `${n.toFixed(2)} ms`;
const row = (cols: (string | number)[]): string => cols.map((c, i) => String(c).padEnd(i === 0 ? 26 : 16)).join("");

export async function logBench(sizes: number[]): Promise<void> {
  console.log("");
  console.log(`question log: cost of one message (record the question + count it), ${MEASURED} in a row after ${WARM_UP} warm-up, with N questions already logged`);
  console.log(`(history: ${PER_DAY} questions a day, ${PER_GROUP} per group, all but the newest ${OPEN_QUESTIONS} questions' groups closed by staff)`);
  console.log(row(["storage, history", "p50", "p99", "max", "open", "questions.json"]));
  const now = new Date();
  for (const n of sizes) {
    const dir = await mkdtemp(join(tmpdir(), "talentbot-logbench-"));
    try {
      await writeFile(join(dir, LOG_FILE_NAME), JSON.stringify(syntheticHistory(n, now)));
      await (await EmbeddedStore.open(dir)).close(); // converts the one-file history to the monthly layout
      global.gc?.();
      const t = performance.now();
      const store = await EmbeddedStore.open(dir);
      const opened = performance.now() - t;
      const result = await measure(store);
      const size = (await stat(join(dir, LOG_FILE_NAME))).size;
      console.log(row([`embedded, ${n}`, ms(result.p50), ms(result.p99), ms(result.max), ms(opened), `${Math.round(size / 1024)} KB`]));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  let server: ThrowawayPostgres | undefined;
  let urlFor: () => Promise<string>;
  const given = process.env["BENCH_DATABASE_URL"];
  if (given) {
    console.log(`postgres: ${given.replace(/:[^:@/]*@/, "@")} (BENCH_DATABASE_URL; its talentbot tables are dropped between sizes)`);
    urlFor = async () => {
      const store = await PgStore.open(given);
      await store.query(
        "DROP TABLE IF EXISTS talentbot_web_items, talentbot_web_sessions, talentbot_entries, talentbot_outbox, talentbot_counters, talentbot_groups, talentbot_imports, talentbot_schema_migrations CASCADE; DROP SEQUENCE IF EXISTS talentbot_entry_seq, talentbot_group_seq, talentbot_message_seq",
      );
      await store.close();
      return given;
    };
  } else {
    try {
      server = await ThrowawayPostgres.start();
      console.log(`postgres: a throw-away server on 127.0.0.1:${server.port} (fsync off; set BENCH_DATABASE_URL to measure a real one)`);
      const running = server;
      urlFor = () => running.createDatabase();
    } catch (error) {
      console.log(`postgres: skipped (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`);
      return;
    }
  }
  try {
    for (const n of sizes) {
      let url: string;
      try {
        url = await urlFor();
      } catch (error) {
        console.log(`postgres: skipped (${error instanceof Error ? error.message : String(error)})`);
        return;
      }
      const seeding = await PgStore.open(url);
      await migrateToPostgres(syntheticHistory(n, now), seeding, "bench");
      await seeding.close();
      const store = await PgStore.open(url);
      const result = await measure(store);
      console.log(row([`postgres, ${n}`, ms(result.p50), ms(result.p99), ms(result.max), "", ""]));
    }
  } finally {
    await server?.stop();
  }
  console.log("target: p99 ≤ 5 ms at 100k on the embedded default.");
}
