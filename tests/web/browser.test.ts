import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnswerEngine } from "../../src/core/engine.js";
import { engineFor } from "../helpers/engine.js";
import { loadKnowledge } from "../../src/knowledge/load.js";
import type { KnowledgeBase } from "../../src/knowledge/types.js";
import { ALWAYS_SUGGEST } from "../helpers/bot-harness.js";
import { PROJECT_ROOT, copyShippedKnowledge } from "../helpers/temp-dirs.js";
import { launchBrowser, signedInConsole, startWebBot, toastText, type WebBot } from "./helpers.js";

// The chat page and the staff console in Debian's chromium (playwright-core), against the real
// server started in-process: bot A answers with the shipped engine settings on a temp copy of the
// knowledge base (promote writes into it); bot B offers choices for every policy question.

const STAFF_TOKEN = "browser-test-staff-token-0123456789";
const SHIPPED = join(PROJECT_ROOT, "knowledge");

let root: string;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let context: BrowserContext;
let botA: WebBot;
let botB: WebBot;
let knowledgeA: string;
let kb: KnowledgeBase;
let engine: AnswerEngine;
/** Content-Security-Policy violations and uncaught errors in any page. */
const pageProblems: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "talentbot-web-browser-"));
  knowledgeA = await copyShippedKnowledge(root);
  kb = await loadKnowledge(SHIPPED);
  engine = await engineFor(kb);
  [botA, botB, browser] = await Promise.all([
    startWebBot({ knowledgeDir: knowledgeA, dataDir: join(root, "data-a"), staffToken: STAFF_TOKEN }),
    startWebBot({ knowledgeDir: SHIPPED, dataDir: join(root, "data-b"), staffToken: STAFF_TOKEN, engine: ALWAYS_SUGGEST, limits: { signInFailures: { limit: 3, windowMs: 60_000 } } }),
    launchBrowser(),
  ]);
  context = browser.context;
  context.on("page", (page) => {
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) pageProblems.push(`${page.url()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => pageProblems.push(`${page.url()}: ${error.message}`));
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await botA?.stop();
  await botB?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

/** The chat page of `bot` in a new tab, in a new conversation. */
async function openChat(bot: WebBot): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${bot.url}/`);
  await page.waitForSelector("body[data-ready=true]");
  await page.click("#new-chat");
  return page;
}

/** Types a question into the chat and waits for the bot's answer to it; returns that answer's element. */
async function ask(page: Page, text: string) {
  const before = await page.locator(".msg-bot").count();
  await page.fill("#question", text);
  await page.press("#question", "Enter");
  await page.waitForFunction((n) => document.querySelectorAll(".msg-bot").length > n, before);
  return page.locator(".msg-bot").nth(before);
}

/** The staff console of `bot`, signed in. */
function openConsole(bot: WebBot): Promise<Page> {
  return signedInConsole(context, bot.url, STAFF_TOKEN);
}

async function showGroups(page: Page, status: string): Promise<void> {
  await page.selectOption("#filter-status", status);
  const response = page.waitForResponse((r) => r.url().includes("/api/admin/groups?"));
  await page.click("#queue-filter button[type=submit]");
  await response;
}

/** The card of the group whose representative question is `text`. */
function groupCard(page: Page, text: string) {
  return page.locator(".group-card").filter({ has: page.locator(".group-question", { hasText: text }) });
}

/** A question of the shipped knowledge base that the engine answers, citing a policy article. */
async function answeredWithCitation(): Promise<{ question: string; doc: string; article: string }> {
  for (const question of kb.bot.examples) {
    const answer = await engine.ask(question);
    const source = answer.faq?.source;
    if (answer.status === "answered" && source?.article) return { question, doc: source.doc, article: source.article };
  }
  throw new Error("fixture: no example question in bot.yaml is answered with a cited article any more");
}

/** A question the shipped engine can not answer (it goes to staff). */
async function unknownQuestion(candidates: string[]): Promise<string> {
  let question: string | undefined;
  for (const q of candidates) if (!question && ["unanswered", "excerpt"].includes((await engine.ask(q)).status)) question = q;
  if (!question) throw new Error("fixture: every 'unknown' question is answered now; add another");
  return question;
}

describe("chat page", () => {
  it("answers a question with a citation link that opens the policy article", async () => {
    const { question, doc, article } = await answeredWithCitation();
    const page = await openChat(botA);
    const answer = await ask(page, question);
    const link = answer.locator("a.citation");
    expect(await link.getAttribute("href")).toBe(`/policies/${doc}#${article}`);
    expect(await answer.locator(".feedback button").allTextContents()).toEqual(["有帮助", "没帮助"]);

    const [policy] = await Promise.all([context.waitForEvent("page"), link.click()]);
    await policy.waitForLoadState();
    expect(decodeURIComponent(new URL(policy.url()).pathname)).toBe(`/policies/${doc}`);
    expect(await policy.evaluate(() => document.querySelector(":target")?.id)).toBe(article);
    const target = policy.locator(":target h2");
    expect(await target.textContent()).toContain(article);
    expect(await target.isVisible()).toBe(true);
    const box = await target.boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y).toBeLessThan(policy.viewportSize()!.height);
    await policy.close();
    await page.close();
  });

  it("offers choices as buttons; a choice gives that FAQ's answer, and feedback buttons work", async () => {
    const page = await openChat(botB); // every policy question gets choices on this bot
    const reply = await ask(page, "孩子入学的事情");
    const choices = reply.locator("button.choice");
    expect(await choices.count()).toBeGreaterThanOrEqual(2);
    const label = (await choices.nth(1).textContent())!.replace(/^\d+\. /, "");
    const faq = kb.faqs.find((f) => f.question === label)!;
    expect(faq, `choice "${label}" is an FAQ question`).toBeDefined();

    await choices.nth(1).click();
    await page.waitForFunction(() => document.querySelectorAll(".msg-bot").length >= 2);
    const answer = page.locator(".msg-bot").nth(1);
    const firstLine = faq.answer.replace(/\*\*/g, "").split("\n")[0]!;
    expect(await answer.locator(".text").textContent()).toContain(firstLine);
    expect(await page.locator(".msg-user").nth(1).textContent()).toBe(label); // the button sent the choice's label

    await answer.locator(".feedback button", { hasText: "有帮助" }).click();
    await page.waitForFunction(() => document.querySelectorAll(".msg-bot").length >= 3);
    expect(await page.locator(".msg-bot").nth(2).textContent()).toContain("感谢您的反馈");
    expect(await answer.locator(".feedback button").evaluateAll((buttons) => buttons.map((b) => (b as HTMLButtonElement).disabled))).toEqual([true, true]);
    await page.close();
  });

  it("works with the keyboard only: skip link, Enter to send, choice and feedback buttons reachable with Tab", async () => {
    const page = await context.newPage();
    await page.goto(`${botB.url}/`);
    await page.waitForSelector("body[data-ready=true]");
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return el ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.className ? `.${el.className}` : ""}|${el.textContent?.trim().slice(0, 40) ?? ""}` : "";
      });

    const focusIn = (id: string) => page.waitForFunction((want) => document.activeElement?.id === want, id);

    await page.keyboard.press("Tab");
    expect(await focused()).toMatch(/^a\.skip-link\|跳到输入框/);
    await page.keyboard.press("Tab");
    expect(await focused()).toMatch(/^button#new-chat/);
    await page.keyboard.press("Enter"); // a new conversation, by keyboard; the input gets the focus
    await focusIn("question");
    expect(await page.locator("#messages li").count()).toBe(0);
    await page.keyboard.press("Shift+Tab");
    expect(await focused()).toMatch(/^button\.example\|/); // the example questions come before the input
    await page.keyboard.press("Tab");
    expect(await focused()).toMatch(/^input#question/);

    await page.keyboard.type("人才子女入学需要什么材料");
    await page.keyboard.press("Enter");
    await page.waitForSelector(".msg-bot button.choice");
    expect(await focused()).toMatch(/^input#question/); // still in the input, ready for the next question
    // Backwards from the input: the last choice button of the reply.
    await page.keyboard.press("Shift+Tab");
    const choice = await focused();
    expect(choice).toMatch(/^button\.choice\|\d\. /);
    await page.keyboard.press("Enter");
    await page.waitForSelector(".msg-bot .feedback");
    await focusIn("question"); // focus back in the input after a button
    await page.keyboard.press("Shift+Tab");
    expect(await focused()).toMatch(/^button\.feedback-button\|没帮助/);
    await page.keyboard.press("Shift+Tab");
    expect(await focused()).toMatch(/^button\.feedback-button\|有帮助/);
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => [...document.querySelectorAll(".msg-bot")].some((m) => m.textContent?.includes("感谢您的反馈")));

    // The skip link leads to the input.
    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await focusIn("question");
    await page.close();
  });

  it("runs a whole eligibility check with the page's buttons; the console counts it, without any answer", async () => {
    const page = await openChat(botA);
    const clickChoice = async (reply: Awaited<ReturnType<typeof ask>>, label: string) => {
      const before = await page.locator(".msg-bot").count();
      await reply.locator("button.choice", { hasText: label }).click();
      await page.waitForFunction((n) => document.querySelectorAll(".msg-bot").length > n, before);
      return page.locator(".msg-bot").nth(before);
    };
    let reply = await ask(page, "我能享受哪些政策");
    expect(await reply.locator(".text").textContent()).toContain("第 1 题：您是否已认定为示例市高层次人才");
    expect(await reply.locator("button.choice").allTextContents()).toEqual([
      "1. A类（顶尖人才）",
      "2. B类（国家级领军人才）",
      "3. C类（省级领军人才）",
      "4. D类（省级拔尖人才）",
      "5. E类（省级骨干人才）",
      "6. 尚未认定",
      "7. 不确定，跳过",
    ]);
    reply = await clickChoice(reply, "尚未认定");
    expect(await reply.locator(".text").textContent()).toContain("第 2 题：您目前在哪里全职工作？");
    reply = await clickChoice(reply, "尚未在本市工作");
    reply = await clickChoice(reply, "不是");
    reply = await clickChoice(reply, "专科及以下");
    expect(await reply.locator(".text").textContent()).toContain("您的年龄是多少周岁？");
    expect(await reply.locator("button.choice").count()).toBe(0); // a number is typed
    expect(await page.locator("#question").evaluate((input: HTMLInputElement) => [input.inputMode, input.placeholder])).toEqual(["decimal", "请输入数字（单位：周岁），按 Enter 发送"]);
    reply = await ask(page, "50");
    expect(await page.locator("#question").evaluate((input: HTMLInputElement) => input.inputMode)).toBe("text");
    expect(await reply.locator(".text").textContent()).toContain("您目前的职称是？");
    reply = await clickChoice(reply, "不确定，跳过");
    reply = await clickChoice(reply, "是"); // 教育教学一线
    reply = await ask(page, "10"); // 教龄
    const result = (await reply.locator(".text").textContent())!;
    expect(result).toContain("政策计算器结果");
    expect(result).toContain("根据您的回答，暂未找到可以享受的政策。");
    expect(result).toMatch(/人才公寓（3年免租）——不满足：人才类别：A类（顶尖人才）、B类（国家级领军人才）或C类（省级领军人才）（您的回答：尚未认定）（《示例市人才引领发展20条实施细则》第五条）/);
    expect(result).toMatch(/取决于您跳过的问题（2 项）：[\s\S]*政府特殊津贴推荐——取决于：职称[\s\S]*报名组团式援边——取决于：职称/);
    expect(result).toContain("最终以示例市教育局及相关部门的审核认定为准");
    expect(result).toContain(kb.bot.staffContact.phone);
    expect(await reply.locator("strong").first().textContent()).toBe("政策计算器结果");
    expect(await reply.locator("a.citation").getAttribute("href")).toBe("/policies/talent-20-rules#第三条");
    // The web transcript keeps none of the check (the answers are in its replies): a reload shows only the rest.
    const sessionId = (await page.evaluate(() => localStorage.getItem("talentbot.sessionId")))!;
    expect(botA.history.since(sessionId)).toEqual([]);
    await page.close();

    const counts = await botA.runtime.bot.services.eligibility.snapshot();
    expect(counts.benefits["talent-apartment-free"]).toEqual({ checked: 1, applies: 0 });
    expect(counts.benefits["special-allowance-nomination"]).toBeUndefined(); // undecided: not counted
    const admin = await openConsole(botA);
    await admin.click("button.tab[data-view=dashboard]");
    await admin.waitForSelector("body[data-dashboard]");
    expect(await admin.locator("#eligibility-summary").textContent()).toBe(`已完成 ${counts.checks} 次计算。`);
    expect(await admin.locator("#eligibility-rows tr").count()).toBe(kb.eligibility!.benefits.length);
    expect(await admin.locator("#eligibility-rows tr[data-benefit=talent-apartment-free] td").allTextContents()).toEqual([
      "talent-apartment-free",
      "人才公寓（3年免租）",
      "talent-20-rules 第五条",
      "1",
      "0",
    ]);
    expect(await admin.locator("#eligibility-rows tr[data-benefit=special-allowance-nomination] td").allTextContents()).toEqual([
      "special-allowance-nomination",
      "政府特殊津贴推荐",
      "talent-20-rules 第十三条",
      "0",
      "0",
    ]);
    expect(await admin.locator("#view-dashboard").textContent()).not.toContain("尚未认定");
    await admin.close();
  });

  it("shows the question an eligibility check waits for again after a reload, and its buttons still answer it", async () => {
    const page = await openChat(botA);
    const first = await ask(page, "我能享受哪些政策");
    await first.locator("button.choice", { hasText: "尚未认定" }).click();
    await page.waitForFunction(() => [...document.querySelectorAll(".msg-bot .text")].some((t) => (t.textContent ?? "").includes("第 2 题")));
    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    const shown = page.locator(".msg-bot").last();
    expect(await shown.locator(".text").textContent()).toContain("（政策计算器还在进行中，回复“退出”可以结束）");
    expect(await shown.locator(".text").textContent()).toContain("第 2 题：您目前在哪里全职工作？");
    const before = await page.locator(".msg-bot").count();
    await shown.locator("button.choice", { hasText: "尚未在本市工作" }).click();
    await page.waitForFunction((n) => document.querySelectorAll(".msg-bot").length > n, before);
    expect(await page.locator(".msg-bot").last().locator(".text").textContent()).toContain("第 3 题");
    // Polling does not repeat it, and nothing of the check is stored.
    await page.waitForTimeout(3_500);
    expect(await page.locator(".msg-bot .text", { hasText: "第 2 题" }).count()).toBe(1);
    const sessionId = (await page.evaluate(() => localStorage.getItem("talentbot.sessionId")))!;
    expect(botA.history.since(sessionId)).toEqual([]);
    await ask(page, "退出");
    await page.close();
  });

  it("keeps the conversation when the page is reloaded", async () => {
    const page = await openChat(botA);
    const sessionId = await page.evaluate(() => localStorage.getItem("talentbot.sessionId"));
    await ask(page, (await answeredWithCitation()).question);
    await ask(page, "谢谢");
    const before = await page.locator("#messages .text").allTextContents();
    expect(before.length).toBeGreaterThanOrEqual(4);
    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    await page.waitForFunction((n) => document.querySelectorAll("#messages .text").length >= n, before.length);
    expect(await page.locator("#messages .text").allTextContents()).toEqual(before);
    expect(await page.evaluate(() => localStorage.getItem("talentbot.sessionId"))).toBe(sessionId);
    expect(await page.locator("#messages a.citation").count()).toBe(1);
    await page.close();
  });
});

describe("staff console", () => {
  it("unknown question → console → staff reply reaches the chat page → promote → the same question is answered", async () => {
    const question = await unknownQuestion(["学校食堂承包怎么投标", "食堂承包招标在哪里报名", "校服采购怎么投标"]);
    const staffReply = "学校食堂承包投标请关注市教育局官网的招标公告，咨询电话 0000-12345678。";
    const chat = await openChat(botA);
    const first = await ask(chat, question);
    expect(await first.locator(".feedback").count()).toBe(0); // not an answer

    const admin = await openConsole(botA);
    const card = groupCard(admin, question);
    await card.first().waitFor();
    expect(await card.count()).toBe(1);
    expect(await card.locator(".group-meta").textContent()).toContain("渠道：网页");
    await card.locator("button.toggle").click();
    await card.locator(".group-panel table").waitFor();
    expect(await card.locator(".variants li").allTextContents()).toEqual([question]);
    await card.locator("textarea[name=reply]").fill(staffReply);
    await card.locator("button", { hasText: "发送答复" }).click();
    await admin.waitForFunction(() => document.getElementById("toast")?.textContent?.startsWith("已答复"));

    // The chat page polls and shows the staff reply.
    const delivered = chat.locator(".msg-staff");
    await delivered.waitFor({ timeout: 10_000 });
    expect(await delivered.locator(".text").textContent()).toBe(`关于您咨询的“${question}”，工作人员答复如下：\n${staffReply}`);

    // Promote the replied group to a new FAQ (the answer defaults to the reply).
    await showGroups(admin, "replied");
    const replied = groupCard(admin, question);
    await replied.locator("button.toggle").click();
    await replied.locator("input[name=faqId]").fill("canteen-bidding");
    await replied.locator("button", { hasText: "新建问答" }).click();
    const promoted = await toastText(admin, "已新建问答 canteen-bidding");
    expect(promoted.startsWith("已新建问答 canteen-bidding")).toBe(true);
    expect(promoted).toContain("已重新加载");
    expect(existsSync(join(knowledgeA, "faq", "canteen-bidding.md"))).toBe(true);

    const again = await ask(chat, question);
    expect(await again.locator(".text").textContent()).toContain(staffReply);
    expect(await again.locator(".feedback button").count()).toBe(2); // answered now
    await chat.close();
    await admin.close();
  });

  it("unknown question → console → 不在问答范围 → written to out-of-scope.md, reloaded, shown by the hit test", async () => {
    const question = await unknownQuestion(["学校门口的共享单车归谁管", "学校周边共享单车乱停找谁", "校门口停车位归哪个部门管"]);
    const chat = await openChat(botA);
    await ask(chat, question);
    await chat.close();

    const admin = await openConsole(botA);
    const card = groupCard(admin, question);
    await card.first().waitFor();
    await card.locator("button.toggle").click();
    await card.locator("input[name=subject]").fill("共享单车管理");
    await card.locator("button", { hasText: "列为不在范围" }).click();
    await admin.waitForFunction(() => document.getElementById("toast")?.textContent?.startsWith("已将 1 个问法列入“共享单车管理”"));
    expect(await readFile(join(knowledgeA, "out-of-scope.md"), "utf8")).toContain(`\n## 共享单车管理\n- ${question}\n`);
    expect((await botA.runtime.log.listGroups()).find((g) => g.representative === question)?.status).toBe("dismissed");

    await admin.click("button.tab[data-view=knowledge]");
    await admin.fill("#hit-test-input", question);
    await admin.press("#hit-test-input", "Enter");
    await admin.waitForSelector(".hit-summary");
    expect(await admin.locator("#hit-test-result").textContent()).toContain(`最相近的不在范围示例：${question}（得分 1）`);
    await admin.close();
  });

  it("shows questions with markup as text in the chat page and in every console view", async () => {
    const payloads = ["<script>window.__xss = 1</script>游泳馆开放时间", '<img src=x onerror="window.__xss = 2">停车场收费'];
    const chat = await openChat(botA);
    for (const payload of payloads) await ask(chat, payload);
    expect(await chat.locator(".msg-user .text").allTextContents()).toEqual(payloads);
    expect(await chat.locator("#messages img, #messages script").count()).toBe(0);

    const admin = await openConsole(botA);
    await showGroups(admin, "all");
    for (const payload of payloads) {
      const card = groupCard(admin, payload);
      await card.first().waitFor();
      expect(await card.count(), payload).toBe(1);
      expect(await card.locator(".group-question").textContent()).toBe(payload);
      await card.locator("button.toggle").click();
      await card.locator(".group-panel table").waitFor();
      expect(await card.locator(".variants li").allTextContents()).toEqual([payload]);
      expect(await card.locator("td", { hasText: payload }).count()).toBe(1);
      expect(await card.locator("input[name=question]").inputValue()).toBe(payload);
    }
    expect(await admin.locator("#group-list img, #group-list script").count()).toBe(0);

    await admin.click("button.tab[data-view=dashboard]");
    await admin.waitForSelector("body[data-dashboard]");
    const topGroups = await admin.locator("#top-groups td").allTextContents();
    for (const payload of payloads) expect(topGroups).toContain(payload);
    expect(await admin.locator("#top-groups img, #top-groups script").count()).toBe(0);

    await admin.click("button.tab[data-view=knowledge]");
    await admin.fill("#hit-test-input", payloads[1]!);
    await admin.press("#hit-test-input", "Enter");
    await admin.waitForSelector(".hit-summary");
    expect(await admin.locator("#hit-test-result img").count()).toBe(0);

    expect(await chat.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await admin.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await chat.close();
    await admin.close();
  });

  it("dashboard draws its charts with the local library; knowledge view lists every FAQ and hit-tests without logging", async () => {
    const admin = await openConsole(botA);
    await admin.click("button.tab[data-view=dashboard]");
    await admin.waitForSelector("body[data-dashboard]");
    expect(await admin.evaluate(() => typeof (window as unknown as { Chart?: unknown }).Chart)).toBe("function");
    for (const id of ["chart-days", "chart-rates", "chart-faqs", "chart-groups"]) {
      expect(await admin.evaluate((canvas) => (window as unknown as { Chart: { getChart(id: string): unknown } }).Chart.getChart(canvas) !== undefined, id), id).toBe(true);
    }
    const month = await admin.inputValue("#dashboard-month");
    expect(await admin.getAttribute("#csv-link", "href")).toBe(`/api/admin/report.csv?month=${month}`);
    const [download] = await Promise.all([admin.waitForEvent("download"), admin.click("#csv-link")]);
    expect(download.suggestedFilename()).toBe(`talentbot-${month}.csv`);

    await admin.click("button.tab[data-view=knowledge]");
    await admin.waitForSelector("#faq-rows tr");
    expect(await admin.locator("#faq-rows tr").count()).toBe(botA.runtime.live.engine.kb.faqs.length);
    // When and on what the shipped model.json was fitted.
    const fitted = botA.runtime.live.engine.options.model!;
    expect(await admin.locator("#model-summary").textContent()).toContain(`依据 ${fitted.fittedOn.alternatesHeldOut} 条留出的其他问法、${fitted.fittedOn.entriesHeldOut} 条留出问答的问法`);
    const groups = (await botA.runtime.log.listGroups()).length;
    const { question } = await answeredWithCitation();
    await admin.fill("#hit-test-input", question);
    await admin.press("#hit-test-input", "Enter");
    await admin.waitForSelector(".hit-summary");
    expect(await admin.locator(".hit-summary").textContent()).toMatch(/^已回答 · 问答 [a-z0-9-]+ · 得分 [\d.]+ · 置信度 [\d.]+/);
    expect(await admin.locator(".candidates li").count()).toBeGreaterThan(0);
    expect((await botA.runtime.log.listGroups()).length).toBe(groups);
    await admin.close();
  });

  it("refuses admin requests without the CSRF token and without a valid session", async () => {
    const admin = await openConsole(botA);
    const groupId = (await botA.runtime.log.listGroups({ status: "open" }))[0]!.id;
    const post = (headers: Record<string, string>) =>
      admin.evaluate(
        async ([id, extra]) =>
          (await fetch(`/api/admin/groups/${id}/dismiss`, { method: "POST", headers: { "content-type": "application/json", ...extra }, body: JSON.stringify({ reason: "test" }) })).status,
        [groupId, headers] as const,
      );
    expect(await post({})).toBe(403);
    expect(await post({ "x-csrf-token": "not-the-token" })).toBe(403);
    expect((await botA.runtime.log.getGroup(groupId))!.group.status).toBe("open");

    await context.clearCookies();
    expect(await admin.evaluate(async () => (await fetch("/api/admin/groups")).status)).toBe(401);
    expect(await post({ "x-csrf-token": "anything" })).toBe(401);
    await admin.reload();
    await admin.waitForSelector("body[data-ready=true]");
    expect(await admin.locator("#login-view").isVisible()).toBe(true);
    expect(await admin.locator("#admin-nav").isVisible()).toBe(false);
    await admin.close();
  });

  it("rate-limits wrong staff tokens: after 3 wrong ones even the right token is refused", async () => {
    const admin = await context.newPage();
    await admin.goto(`${botB.url}/admin`);
    await admin.waitForSelector("#login-view:not([hidden])");
    for (let i = 0; i < 3; i++) {
      const answered = admin.waitForResponse((r) => r.url().endsWith("/api/admin/login"));
      await admin.fill("#token", `wrong-${i}`);
      await admin.press("#token", "Enter");
      expect((await answered).status()).toBe(401);
      await admin.waitForFunction(() => document.getElementById("login-error")?.textContent === "口令不正确");
      await admin.evaluate(() => (document.getElementById("login-error")!.textContent = ""));
    }
    const answered = admin.waitForResponse((r) => r.url().endsWith("/api/admin/login"));
    await admin.fill("#token", STAFF_TOKEN);
    await admin.press("#token", "Enter");
    expect((await answered).status()).toBe(429);
    await admin.waitForFunction(() => document.getElementById("login-error")?.textContent?.includes("口令错误次数过多，请 1 分钟后再试"));
    expect(await admin.locator("#admin-nav").isVisible()).toBe(false);
    await admin.close();
  });

  it("no page violated the Content-Security-Policy or threw an error", async () => {
    expect(pageProblems).toEqual([]);
  });
});
