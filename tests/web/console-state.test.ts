import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnswerEngine } from "../../src/core/engine.js";
import { engineFor } from "../helpers/engine.js";
import { loadKnowledge } from "../../src/knowledge/load.js";
import { copyShippedKnowledge } from "../helpers/temp-dirs.js";
import { launchBrowser, signedInConsole, startWebBot, toastText, type WebBot } from "./helpers.js";

// The staff console and the chat page in Debian's chromium against the real server, on a bot that
// started with a corrupt web-chat.json and a knowledge base (a temp copy) that staff then break.

const STAFF_TOKEN = "console-state-staff-token-0123456789";
const CORRUPT_LOG = '{"schemaVersion": 1, "entries": [{"id": "q1", "text": "半截';
const CORRUPT_CHAT = '{"version":1,"sessions":{"s":{"items":[{"seq":1,"from":"staff","text":"等待送达的答复';

let root: string;
let knowledgeDir: string;
let bot: WebBot;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let context: BrowserContext;
let engine: AnswerEngine;
const pageProblems: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "talentbot-console-state-"));
  knowledgeDir = await copyShippedKnowledge(root);
  engine = await engineFor(await loadKnowledge(knowledgeDir));
  const dataDir = join(root, "data");
  await mkdir(dataDir);
  await writeFile(join(dataDir, "web-chat.json"), CORRUPT_CHAT);
  await writeFile(join(dataDir, "questions.json"), CORRUPT_LOG);
  [bot, browser] = await Promise.all([startWebBot({ knowledgeDir, dataDir, staffToken: STAFF_TOKEN }), launchBrowser()]);
  context = browser.context;
  context.on("page", (page) => {
    page.on("console", (message) => {
      if (message.type() === "error" || /Content Security Policy|Refused to|not a valid regular expression/i.test(message.text())) pageProblems.push(`${page.url()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => pageProblems.push(`${page.url()}: ${error.message}`));
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await bot?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

function openConsole(viewport?: { width: number; height: number }): Promise<Page> {
  return signedInConsole(context, bot.url, STAFF_TOKEN, viewport);
}

/** Asks through the chat API, as the page does; returns the bot's replies. */
async function askApi(sessionId: string, text: string): Promise<{ text: string; citation?: { doc: string; article?: string } }[]> {
  const response = await fetch(`${bot.url}/api/chat`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sessionId, text }) });
  expect(response.status).toBe(200);
  return ((await response.json()) as { replies: { text: string }[] }).replies;
}

async function openGroupPanel(page: Page, question: string): Promise<void> {
  // The tab reloads the queue, which replaces the cards the page had already drawn: open the card once that reload is in.
  const reloaded = page.waitForResponse((r) => r.url().includes("/api/admin/groups?"));
  await page.click(".tab[data-view=queue]");
  await (await reloaded).finished();
  const card = page.locator(".group-card").filter({ has: page.locator(".group-question", { hasText: question }) });
  const input = card.locator(".group-panel input[name=faqId]");
  // The reload's cards may land just after the response: a card drawn again is closed, so open it again.
  for (let attempt = 0; attempt < 3 && !(await input.isVisible()); attempt++) {
    if ((await card.locator("button.toggle").getAttribute("aria-expanded")) !== "true") await card.locator("button.toggle").click();
    await input.waitFor({ timeout: 5_000 }).catch(() => {});
  }
  await input.waitFor();
}

/** A new conversation on the chat page; `ask` types a question and returns the bot's answer to it. */
async function openChat(): Promise<{ page: Page; ask: (text: string) => Promise<ReturnType<Page["locator"]>> }> {
  const page = await context.newPage();
  await page.goto(`${bot.url}/`);
  await page.waitForSelector("body[data-ready=true]");
  await page.click("#new-chat");
  const ask = async (text: string) => {
    const before = await page.locator(".msg-bot").count();
    await page.fill("#question", text);
    await page.press("#question", "Enter");
    await page.waitForFunction((n) => document.querySelectorAll(".msg-bot").length > n, before);
    return page.locator(".msg-bot").nth(before);
  };
  return { page, ask };
}

/** Widest element box beyond the viewport, for a readable failure. */
async function overflow(page: Page): Promise<{ scrollWidth: number; widest: string }> {
  return page.evaluate(() => {
    let widest = "";
    let right = 0;
    document.querySelectorAll("body *").forEach((node) => {
      const box = node.getBoundingClientRect();
      if (box.width > 0 && box.right > right) {
        right = box.right;
        widest = `${node.tagName.toLowerCase()}.${(node as HTMLElement).className} (${Math.round(box.right)} px)`;
      }
    });
    return { scrollWidth: document.documentElement.scrollWidth, widest };
  });
}

describe("staff console: the bot's state", () => {
  it("says that web-chat.json and questions.json were moved aside, on every view", async () => {
    expect(bot.history.warnings).toHaveLength(1);
    expect(await readFile(bot.history.warnings[0]!.movedTo!, "utf8")).toBe(CORRUPT_CHAT);
    const page = await openConsole();
    const notices = page.locator("#notices");
    await notices.locator(".notice").first().waitFor();
    expect(await notices.textContent()).toContain("网页聊天记录文件");
    expect(await notices.textContent()).toContain(`已原样移到 ${bot.history.warnings[0]!.movedTo!}`);
    expect(bot.runtime.log.warnings).toHaveLength(1);
    expect(await notices.textContent()).toMatch(/问题日志文件 \S+questions\.json 已损坏，已原样移到 \S+questions\.json\.corrupt-\S+；待处理的问题已按历史记录（\S+）重新整理/);
    expect(await notices.textContent()).not.toMatch(/question log|could not be used|[A-Za-z]{6,} [a-z]{3,}/); // no English sentence for staff
    await page.click(".tab[data-view=knowledge]");
    expect(await notices.isVisible()).toBe(true);
    await page.close();
  });

  it("shows a broken knowledge edit in Chinese with file and line, says the previous version answers, and clears it once fixed", async () => {
    const rel = engine.faq("housing-subsidy")?.file;
    expect(rel, "fixture: the shipped knowledge base has no FAQ housing-subsidy any more").toBeDefined();
    const file = join(knowledgeDir, rel!);
    const original = await readFile(file, "utf8");
    await writeFile(file, original.replace(/^question: /m, "question: [未闭合 "), "utf8");
    try {
      const broken = await bot.runtime.live.reload();
      expect(broken.ok).toBe(false);

      const page = await openConsole();
      await page.click(".tab[data-view=knowledge]");
      const notices = page.locator("#notices");
      await page.waitForFunction(() => (document.querySelector("#notices")?.textContent ?? "").includes("知识库"));
      const text = (await notices.textContent()) ?? "";
      expect(text).toContain("仍按修改前的版本回答");
      // Staff read the problem in Chinese, in the file's own terms: where, what, and what to type.
      const where = new RegExp(`${rel!.replaceAll("/", "\\/")} 第 \\d+ 行：这一行附近的字段写法有误`);
      expect(text).toMatch(where);
      expect(text).toContain('要用英文双引号 `"` 把整段内容括起来');
      expect(text).not.toMatch(/invalid YAML|fix the YAML/);

      // A promote meanwhile is written, and says why it does not answer yet.
      const question = "冥王星食堂的菜单";
      expect(["excerpt", "unanswered", "suggested"]).toContain((await bot.runtime.live.engine.ask(question)).status);
      await askApi("brokenPromote_0123456789", question);
      await openGroupPanel(page, question);
      const card = page.locator(".group-card").filter({ has: page.locator(".group-question", { hasText: question }) });
      await card.locator("input[name=faqId]").fill("talent-station-weekend");
      await card.locator("textarea[name=answer]").fill("周末不开放。");
      await card
        .locator("form", { has: page.locator("input[name=faqId]") })
        .locator("button[type=submit]")
        .click();
      const toast = await toastText(page, "已新建问答");
      expect(toast).toContain("但知识库没有重新加载：知识库中有错误（");
      expect(toast).toMatch(where);
      expect(toast).not.toMatch(/invalid YAML|fix the YAML/);
      expect(toast).toContain("机器人仍按之前的版本回答");

      // So does listing a question as out of scope.
      const outside = "冥王星的天气怎么样";
      expect(["excerpt", "unanswered", "suggested"]).toContain((await bot.runtime.live.engine.ask(outside)).status);
      await askApi("brokenOutOfScope_0123456789", outside);
      await openGroupPanel(page, outside);
      const outsideCard = page.locator(".group-card").filter({ has: page.locator(".group-question", { hasText: outside }) });
      await outsideCard.locator("input[name=subject]").fill("外星天气");
      await outsideCard.locator("button", { hasText: "列为不在范围" }).click();
      const listed = await toastText(page, "此组已忽略");
      expect(listed).toContain("但知识库没有重新加载：知识库中有错误（");
      expect(listed).toMatch(where);
      expect(listed).not.toMatch(/invalid YAML|fix the YAML/);

      await writeFile(file, original, "utf8");
      expect((await bot.runtime.live.reload()).ok).toBe(true);
      await page.click(".tab[data-view=queue]");
      await page.waitForFunction(() => !(document.querySelector("#notices")?.textContent ?? "").includes("知识库最近的修改"));
      await page.close();
    } finally {
      // Whatever failed above, the other tests need a working knowledge base.
      await writeFile(file, original, "utf8");
      await bot.runtime.live.reload();
    }
  });
});

describe("staff console: small things", () => {
  it("a toast goes away by itself", async () => {
    const question = "火星上有人才公寓吗，我想去火星工作";
    await askApi("toastSession_0123456789", question);
    const page = await openConsole();
    await openGroupPanel(page, question);
    const card = page.locator(".group-card").filter({ has: page.locator(".group-question", { hasText: question }) });
    await card.locator("input[name=reason]").fill("测试");
    await card
      .locator("form", { has: page.locator("input[name=reason]") })
      .locator("button[type=submit]")
      .click();
    await page.waitForFunction(() => (document.querySelector("#toast")?.textContent ?? "").includes("已忽略"));
    await page.waitForFunction(() => (document.querySelector("#toast")?.textContent ?? "") === "", undefined, { timeout: 7_000 });
    expect(await page.locator("#toast").isVisible()).toBe(false);
    await page.close();
  });

  it("keeps an open card and the reply being written in it when the queue is drawn again", async () => {
    const question = "游泳馆周末几点开门营业";
    await askApi("draftSession_0123456789", question);
    const page = await openConsole();
    await openGroupPanel(page, question);
    const card = () => page.locator(".group-card").filter({ has: page.locator(".group-question", { hasText: question }) });
    await card().locator("textarea[name=reply]").fill("草稿：请致电人才服务专线。");
    // Mark the drawn card: once the list is drawn again, the card is a new element without the mark.
    await card().evaluate((li) => li.setAttribute("data-drawn-before", "yes"));
    const reloaded = page.waitForResponse((r) => r.url().includes("/api/admin/groups?"));
    await page.click("#queue-filter button[type=submit]");
    await (await reloaded).finished();
    await page.waitForFunction((q) => {
      const cards = [...document.querySelectorAll(".group-card")].filter((li) => li.querySelector(".group-question")?.textContent === q);
      return cards.length === 1 && !cards[0]!.hasAttribute("data-drawn-before");
    }, question);
    expect(await card().locator(".group-panel").isVisible()).toBe(true);
    expect(await card().locator("button.toggle").getAttribute("aria-expanded")).toBe("true");
    expect(await card().locator("textarea[name=reply]").inputValue()).toBe("草稿：请致电人才服务专线。");
    // Closed and opened again, the panel is loaded afresh.
    await card().locator("button.toggle").click();
    expect(await card().locator(".group-panel").isHidden()).toBe(true);
    await page.close();
  });

  it("checks the FAQ id field in the browser (its pattern is a valid expression)", async () => {
    const question = "月球上的学校招老师吗";
    await askApi("patternSession_0123456789", question);
    const page = await openConsole();
    await openGroupPanel(page, question);
    const faqId = page.locator(".group-card", { has: page.locator(".group-question", { hasText: question }) }).locator("input[name=faqId]");
    await faqId.fill("Moon_School");
    expect(await faqId.evaluate((input: HTMLInputElement) => input.validity.patternMismatch)).toBe(true);
    // The browser's own message would be in the browser's language: the console sets its own.
    expect(await faqId.evaluate((input: HTMLInputElement) => input.validationMessage)).toBe("问答编号只能用小写字母、数字和 -，例如 talent-apartment");
    await faqId.fill("moon-school-2");
    expect(await faqId.evaluate((input: HTMLInputElement) => input.validity.patternMismatch)).toBe(false);
    expect(await faqId.evaluate((input: HTMLInputElement) => input.validity.valid)).toBe(true);
    expect(pageProblems.filter((p) => /regular expression/.test(p))).toEqual([]);
    await page.close();
  });

  it("redraws the dashboard for a phone when a wide window is narrowed to 390 px", async () => {
    const page = await openConsole({ width: 1280, height: 900 });
    await page.click(".tab[data-view=dashboard]");
    await page.waitForSelector("body[data-dashboard]");
    const chartState = () =>
      page.evaluate(() => {
        const element = document.querySelector("#chart-faqs")!;
        type ChartLike = { data: { labels: string[] } };
        const chart = (window as unknown as { Chart: { getChart(canvas: Element): ChartLike | undefined } }).Chart.getChart(element);
        return { width: element.getBoundingClientRect().width, firstLabel: chart?.data.labels[0] ?? "" };
      });
    const wide = await chartState();
    expect(wide.width).toBeGreaterThan(400);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(() => {
      const chart = (window as unknown as { Chart: { getChart(canvas: Element): { data: { labels: string[] } } | undefined } }).Chart.getChart(document.querySelector("#chart-faqs")!);
      return (chart?.data.labels.length ?? 0) === 0 || chart?.data.labels[0] === "1";
    });
    await page.waitForTimeout(300); // Chart.js resizes on its ResizeObserver
    expect(await overflow(page)).toMatchObject({ scrollWidth: 390 });
    expect((await chartState()).width).toBeLessThanOrEqual(390);
    await page.close();
  });

  it("fits a 390 px wide phone with room to read: queue with a group open, dashboard, knowledge", async () => {
    const question = "手机上看后台表格会不会挤";
    await askApi("phoneSession_0123456789", question);
    // A hit with a long question for the top-FAQ table.
    const longFaq = await findAsync(engine.kb.faqs, async (f) => [...f.question].length >= 16 && (await engine.ask(f.question)).faqId === f.id);
    expect(longFaq, "fixture: no FAQ with a long question is answered by it").toBeDefined();
    await askApi("phoneSession_0123456789", longFaq!.question);
    const page = await openConsole({ width: 390, height: 844 });
    /** Width of the cell that holds `text` (a question) in the visible tables. */
    const cellWidth = (selector: string) =>
      page
        .locator(selector)
        .first()
        .evaluate((cell) => cell.getBoundingClientRect().width);

    await openGroupPanel(page, question);
    expect(await overflow(page)).toMatchObject({ scrollWidth: 390 });
    expect(await cellWidth(".group-panel .data-table tbody td:last-child")).toBeGreaterThanOrEqual(200);

    await page.click(".tab[data-view=dashboard]");
    await page.waitForSelector("body[data-dashboard]");
    expect(await overflow(page)).toMatchObject({ scrollWidth: 390 });
    expect(await cellWidth("#top-faqs td:nth-child(2)")).toBeGreaterThanOrEqual(200);
    // The top-FAQ chart's bars get the width (its labels are the ranks of the table below).
    const { bars, canvas, labels } = await page.evaluate(() => {
      const element = document.querySelector("#chart-faqs")!;
      type ChartLike = { chartArea: { width: number }; data: { labels: string[] } };
      const chart = (window as unknown as { Chart: { getChart(canvas: Element): ChartLike | undefined } }).Chart.getChart(element);
      return { bars: chart?.chartArea.width ?? 0, canvas: element.getBoundingClientRect().width, labels: chart?.data.labels ?? [] };
    });
    expect(bars / canvas).toBeGreaterThanOrEqual(0.85);
    expect(labels[0]).toBe("1");

    await page.click(".tab[data-view=knowledge]");
    await page.locator("#faq-rows tr").first().waitFor();
    expect(await overflow(page)).toMatchObject({ scrollWidth: 390 });
    expect(await cellWidth("#faq-rows td:nth-child(2)")).toBeGreaterThanOrEqual(200);
    await page.close();
  });
});

describe("staff console: Chinese throughout", () => {
  it("shows channels and hit-test statuses in Chinese", async () => {
    const question = "海王星的人才政策是什么样的";
    await askApi("chineseSession_0123456789", question);
    const page = await openConsole();
    await openGroupPanel(page, question);
    const card = page.locator(".group-card").filter({ has: page.locator(".group-question", { hasText: question }) });
    expect(await card.locator(".group-meta").textContent()).toContain("渠道：网页");
    expect(await card.locator(".group-panel tbody td").nth(1).textContent()).toBe("网页");

    await page.click(".tab[data-view=knowledge]");
    const excerptQuestion = (await findAsync(["人才医疗保健待遇是什么", "人才创业有扶持资金吗", "人才公寓怎么申请入住"], async (q) => (await bot.runtime.live.engine.ask(q)).status === "excerpt"))!;
    await page.fill("#hit-test-input", excerptQuestion);
    await page.click("#hit-test-form button[type=submit]");
    const summary = page.locator("#hit-test-result .hit-summary");
    await summary.waitFor();
    expect(await summary.locator(".hit-status").textContent()).toBe("摘录回答");
    expect(await summary.textContent()).not.toMatch(/excerpt|状态 /);
    await page.close();
  });

  it("promotes an out-of-scope question after staff confirm, and says which examples were removed", async () => {
    const question = "人才公寓怎么申请";
    expect(
      engine.kb.outOfScope.some((g) => g.examples.some((x) => x.text === question)),
      "fixture: no longer an out-of-scope example",
    ).toBe(true);
    await askApi("confirmSession_0123456789", question);
    const page = await openConsole();
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.accept();
    });
    await openGroupPanel(page, question);
    const card = page.locator(".group-card").filter({ has: page.locator(".group-question", { hasText: question }) });
    await card.locator("input[name=faqId]").fill("talent-apartment");
    await card.locator("textarea[name=answer]").fill("人才公寓请向市住建局申请。");
    await card
      .locator("form", { has: page.locator("input[name=faqId]") })
      .locator("button[type=submit]")
      .click();
    const toast = await toastText(page, "已新建问答");
    expect(dialogs).toHaveLength(1);
    expect(dialogs[0]).toContain("在 out-of-scope.md 中列为“不在问答范围”");
    expect(dialogs[0]).not.toMatch(/--[a-z]/);
    expect(toast).toContain("删除了 “人才公寓怎么申请”");
    expect(toast).toContain("知识库已重新加载");
    expect((await bot.runtime.live.engine.ask(question)).faqId).toBe("talent-apartment");
    await page.close();
  });
});

describe("chat page: policy links and lists", () => {
  it("links an excerpt answer to the policy text it quotes", async () => {
    const live = bot.runtime.live.engine; // earlier tests promoted FAQs into this bot's knowledge
    const question = await findAsync(["人才医疗保健待遇是什么", "人才创业有扶持资金吗", "人才公寓怎么申请入住"], async (q) => (await live.ask(q)).status === "excerpt");
    expect(question, "fixture: none of these questions gets a policy excerpt any more; add another").toBeDefined();
    const quoted = (await live.ask(question!)).excerpts[0]!;
    const { page, ask } = await openChat();
    const answer = await ask(question!);
    expect(await answer.locator("a.citation").getAttribute("href")).toBe(`/policies/${quoted.doc}#${quoted.article.replace(/\s+/g, "_")}`);
    await page.close();
  });

  it("shows '- ' lines of an answer as a list, not as hyphens", async () => {
    const faq = await findAsync(engine.kb.faqs, async (f) => /\n- /.test(f.answer) && (await engine.ask(f.question)).faqId === f.id);
    expect(faq, "fixture: no FAQ with a '- ' list is answered by its own question").toBeDefined();
    const items = faq!.answer.split("\n").filter((line) => line.startsWith("- "));
    const { page, ask } = await openChat();
    const answer = await ask(faq!.question);
    const shown = await answer.locator(".md-list li").allTextContents();
    expect(shown).toEqual(items.map((line) => line.slice(2).replace(/\*\*(.+?)\*\*/g, "$1")));
    expect(await answer.locator(".text").textContent()).not.toMatch(/(^|\n)- /);
    await page.close();
  });

  it("had no CSP violation or script error in any page", () => {
    expect(pageProblems.filter((p) => !/status of 4\d\d/.test(p))).toEqual([]);
  });
});

/** The first item for which `test` resolves true. */
async function findAsync<T>(items: readonly T[], test: (item: T) => Promise<boolean>): Promise<T | undefined> {
  for (const item of items) if (await test(item)) return item;
  return undefined;
}
