#!/usr/bin/env node
// `npm run screenshots`: docs/screenshot-chat.png and docs/screenshot-dashboard.png, taken in
// Debian's chromium (apt-get install chromium fonts-noto-cjk) from the real server started here
// on a free port, with a temp copy of the shipped knowledge and a question log seeded with a
// sample month (March 2024), so the pictures are the same on every run.
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = (path) => import(new URL(`../dist/${path}`, import.meta.url).href);
const { BotRuntime } = await dist("app/runtime.js");
const { WebChannel } = await dist("channels/web.js");
const { ChatHistory } = await dist("web/chat-history.js");
const { WebServer } = await dist("web/server.js");

const MONTH = "2024-03";
const TOKEN = "screenshot-staff-token-0123456789";

/** A month of plausible daily counters and a few open groups, as the log would hold them. */
function sampleLog() {
  const counters = {};
  const hitsBase = { "enroll-materials": 5, "housing-subsidy": 4, "enroll-process": 3, "recruit-graduates-plan": 3, "recruit-teacher-certificate": 2, "enroll-eligibility": 2, "title-evaluation": 1 };
  for (let day = 1; day <= 31; day++) {
    const weekend = [2, 3, 9, 10, 16, 17, 23, 24, 30, 31].includes(day);
    const wave = Math.round(6 * Math.sin(day / 3)) + (weekend ? 4 : 14);
    const answered = wave + (day % 5);
    const suggested = 2 + (day % 3);
    const excerpt = 1 + (day % 2);
    const unanswered = 1 + (day % 4 === 0 ? 2 : 0);
    const smalltalk = 2 + (day % 2);
    const faqHits = {};
    let left = answered;
    for (const [id, weight] of Object.entries(hitsBase)) {
      const n = Math.min(left, Math.max(0, Math.round((answered * weight) / 20 + ((day + weight) % 2))));
      if (n > 0) faqHits[id] = n;
      left -= n;
    }
    counters[`${MONTH}-${String(day).padStart(2, "0")}`] = {
      questions: answered + suggested + excerpt + unanswered + smalltalk + 1,
      answered,
      suggested,
      excerpt,
      unanswered,
      smalltalk,
      human: 1,
      unhelpful: day % 3 === 0 ? 1 : 0,
      faqHits,
    };
  }
  const open = [
    ["人才公寓怎么申请？", 14, "housing-subsidy"],
    ["博士后安家费什么时候发放", 9, "housing-subsidy"],
    ["外籍人才子女可以读公办学校吗", 7, "enroll-eligibility"],
    ["教师招聘体检在哪家医院", 5, "recruit-exam-process"],
    ["硕士研究生落户有补贴吗", 4, "housing-subsidy"],
  ];
  const entries = [];
  const groups = open.map(([text, count, guess], index) => {
    const id = `g${index + 1}`;
    const times = Array.from({ length: count }, (_, i) => `${MONTH}-${String(3 + ((i * 5 + index) % 26)).padStart(2, "0")}T0${1 + (i % 8)}:15:00.000Z`).sort();
    for (const askedAt of times)
      entries.push({
        id: `q${entries.length + 1}`,
        groupId: id,
        text,
        normalized: text,
        askedAt,
        channel: index % 2 ? "web" : "console",
        reason: "unanswered",
        candidates: [{ faqId: guess, score: 0.31 }],
      });
    return {
      id,
      status: "open",
      representative: text,
      variants: [text],
      matchKeys: [text],
      count,
      firstAskedAt: times[0],
      lastAskedAt: times.at(-1),
      channels: index % 2 ? ["web"] : ["console", "web"],
      reasons: { unanswered: count },
      bestGuesses: [{ faqId: guess, score: 0.31 }],
      updatedAt: times.at(-1),
    };
  });
  entries.sort((a, b) => (a.askedAt < b.askedAt ? -1 : 1));
  return { schemaVersion: 1, entries, groups, outbox: [], counters, nextId: { entry: entries.length + 1, group: groups.length + 1, message: 1 } };
}

const temp = await mkdtemp(join(tmpdir(), "talentbot-screenshots-"));
let runtime, server, browser, history;
try {
  const knowledgeDir = join(temp, "knowledge");
  const dataDir = join(temp, "data");
  await cp(join(ROOT, "knowledge"), knowledgeDir, { recursive: true });
  await mkdir(dataDir, { recursive: true });
  await writeFile(join(dataDir, "questions.json"), JSON.stringify(sampleLog()));

  const channel = new WebChannel();
  history = await ChatHistory.open({ file: join(dataDir, "web-chat.json") });
  channel.attach(history);
  runtime = await BotRuntime.start({ knowledgeDir, dataDir, channels: [channel], admin: false, watchKnowledge: false, report: () => {} });
  server = await WebServer.start({ host: "127.0.0.1", port: 0, runtime, channel, history, staffToken: TOKEN, report: (line) => console.error(line) });

  // Questions for the chat picture: an answer with its citation, then one with choices.
  const engine = runtime.live.engine;
  const answered = engine.kb.bot.examples
    .map((q) => ({ q, a: engine.ask(q) }))
    .filter(({ a }) => a.status === "answered" && a.faq?.source?.article)
    .sort((x, y) => x.a.text.length - y.a.text.length)[0]?.q;
  const ambiguous = ["公寓", "入学", "补贴", "招聘", "孩子上学", "教师培训"].find((q) => engine.ask(q).status === "suggested");

  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--hide-scrollbars", "--lang=zh-CN"],
  });
  const context = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai" });

  const chat = await context.newPage();
  await chat.setViewportSize({ width: 760, height: 1180 });
  await chat.goto(`${server.url}/`);
  await chat.waitForSelector("body[data-ready=true]");
  for (const question of [answered, ambiguous].filter(Boolean)) {
    const before = await chat.locator(".msg-bot").count();
    await chat.fill("#question", question);
    await chat.press("#question", "Enter");
    await chat.waitForFunction((n) => document.querySelectorAll(".msg-bot").length > n, before);
  }
  await chat.locator("#question").blur();
  await chat.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
  await mkdir(join(ROOT, "docs"), { recursive: true });
  await chat.screenshot({ path: join(ROOT, "docs", "screenshot-chat.png") });

  const admin = await context.newPage();
  await admin.setViewportSize({ width: 1280, height: 900 });
  await admin.goto(`${server.url}/admin`);
  await admin.waitForSelector("#login-view:not([hidden])");
  await admin.fill("#token", TOKEN);
  await admin.press("#token", "Enter");
  await admin.waitForSelector("#admin-nav:not([hidden])");
  await admin.click("button.tab[data-view=dashboard]");
  await admin.waitForSelector("body[data-dashboard]");
  await admin.fill("#dashboard-month", MONTH);
  await admin.click("#dashboard-filter button[type=submit]");
  await admin.waitForSelector(`body[data-dashboard="${MONTH}"]`);
  await admin.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
  await admin.screenshot({ path: join(ROOT, "docs", "screenshot-dashboard.png"), fullPage: true });
  console.log("wrote docs/screenshot-chat.png and docs/screenshot-dashboard.png");
} finally {
  await browser?.close();
  await server?.close();
  await runtime?.stop();
  await history?.close();
  await rm(temp, { recursive: true, force: true });
}
