import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import type { HttpRoute } from "../../src/core/channel.js";
import { BotRuntime } from "../../src/app/runtime.js";
import { WebChannel } from "../../src/web/channel.js";
import type { EngineOptions } from "../../src/core/engine.js";
import { ChatHistory } from "../../src/web/chat-history.js";
import { WebServer, type WebLimits } from "../../src/web/server.js";

export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

export interface WebBot {
  runtime: BotRuntime;
  channel: WebChannel;
  history: ChatHistory;
  server: WebServer;
  url: string;
  reports: string[];
  stop(): Promise<void>;
}

/** The real bot with the web channel and the real web server on 127.0.0.1 and a free port, wired as `talentbot start` does. */
export async function startWebBot(options: {
  knowledgeDir: string;
  dataDir: string;
  staffToken?: string;
  engine?: Partial<EngineOptions>;
  limits?: Partial<WebLimits>;
  routes?: HttpRoute[];
}): Promise<WebBot> {
  const reports: string[] = [];
  const report = (line: string) => void reports.push(line);
  const channel = new WebChannel();
  const history = await ChatHistory.open({ file: join(options.dataDir, "web-chat.json"), report });
  channel.attach(history);
  const runtime = await BotRuntime.start({
    knowledgeDir: options.knowledgeDir,
    dataDir: options.dataDir,
    channels: [channel],
    admin: false,
    watchKnowledge: false,
    // No background refit after an edit: its CPU would slow every other test file (the refit has its own tests).
    refitInBackground: false,
    report,
    ...(options.engine ? { build: { engine: options.engine } } : {}),
  });
  let server: WebServer;
  try {
    server = await WebServer.start({
      host: "127.0.0.1",
      port: 0,
      runtime,
      channel,
      history,
      report,
      ...(options.staffToken ? { staffToken: options.staffToken } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.routes ? { routes: options.routes } : {}),
    });
  } catch (error) {
    await runtime.stop();
    throw error;
  }
  return {
    runtime,
    channel,
    history,
    server,
    url: server.url,
    reports,
    stop: async () => {
      await server.close();
      await runtime.stop();
      await history.close();
    },
  };
}

/** Debian's chromium through playwright-core, with a fresh profile directory (removed by `close`). */
export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`the browser tests need Debian's chromium at ${CHROMIUM}: apt-get update && apt-get install -y chromium (.ci/run does this)`);
  const profile = await mkdtemp(join(tmpdir(), "talentbot-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    locale: "zh-CN",
    viewport: { width: 1100, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** A new page on the staff console at `url`, signed in with `token` (the viewport set first, if given). */
export async function signedInConsole(context: BrowserContext, url: string, token: string, viewport?: { width: number; height: number }): Promise<Page> {
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  await page.goto(`${url}/admin`);
  await page.waitForSelector("body[data-ready=true]");
  if (await page.locator("#login-view").isVisible()) {
    await page.fill("#token", token);
    await page.press("#token", "Enter");
  }
  await page.waitForSelector("#admin-nav:not([hidden])");
  return page;
}

/**
 * Waits until the console's toast contains `fragment` and returns the whole text, read in the same page tick:
 * the toast clears itself after a few seconds, so reading it in a second call can find it already empty.
 */
export async function toastText(page: Page, fragment: string): Promise<string> {
  const handle = await page.waitForFunction((want) => {
    const text = document.getElementById("toast")?.textContent ?? "";
    return text.includes(want) ? text : false;
  }, fragment);
  return (await handle.jsonValue()) as string;
}
