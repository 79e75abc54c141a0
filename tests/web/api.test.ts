import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BotRuntime } from "../../src/app/runtime.js";
import { WebChannel, webSettings } from "../../src/web/channel.js";
import { CHANNELS } from "../../src/app/channels.js";
import { ChatHistory, type ChatItem } from "../../src/web/chat-history.js";
import { parseTrustProxy, safeEqual } from "../../src/web/security.js";
import { buildWebApp, type WebAppOptions } from "../../src/web/server.js";
import { resolveStaffToken } from "../../src/web/staff-auth.js";
import { copyShippedKnowledge, useTempDirs } from "../helpers/temp-dirs.js";
import { waitFor } from "../helpers/bot-harness.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";

const TOKEN = "staff-token-for-api-tests-0123";
const SESSION = "apiSession_0123456789";
const tempDir = useTempDirs();

// One bot (shipped knowledge copied to a temp dir, temp data dir) for the whole file; each test builds its own app.
let runtime: BotRuntime;
let channel: WebChannel;
let history: ChatHistory;
let root: string;
const reports: string[] = [];
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "talentbot-web-api-"));
  const knowledgeDir = await copyShippedKnowledge(root);
  channel = new WebChannel();
  history = await ChatHistory.open({ file: join(root, "data", "web-chat.json") });
  channel.attach(history);
  runtime = await BotRuntime.start({
    knowledgeDir,
    dataDir: join(root, "data"),
    channels: [channel],
    admin: false,
    watchKnowledge: false,
    refitInBackground: false,
    report: (line) => reports.push(line),
  });
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await runtime?.stop();
  await history?.close();
  await rm(root, { recursive: true, force: true });
});

async function app(options: Partial<WebAppOptions> = {}): Promise<FastifyInstance> {
  const built = await buildWebApp({ runtime, channel, history, staffToken: TOKEN, report: (line) => reports.push(line), ...options });
  apps.push(built);
  return built;
}

const json = (response: LightMyRequestResponse) => response.json() as Record<string, unknown>;

function chat(web: FastifyInstance, text: string, sessionId = SESSION, remoteAddress = "127.0.0.1") {
  return web.inject({ method: "POST", url: "/api/chat", payload: { sessionId, text }, remoteAddress });
}

/** Signs in; returns the cookie header value and the CSRF token. */
async function signIn(web: FastifyInstance, remoteAddress = "127.0.0.1"): Promise<{ cookie: string; csrf: string }> {
  const response = await web.inject({ method: "POST", url: "/api/admin/login", payload: { token: TOKEN }, remoteAddress });
  expect(response.statusCode).toBe(200);
  const setCookie = String(response.headers["set-cookie"]);
  return { cookie: setCookie.split(";")[0]!, csrf: String(json(response)["csrfToken"]) };
}

function expectNoStack(response: LightMyRequestResponse): void {
  expect(response.headers["content-type"]).toMatch(/^application\/json/);
  expect(response.body).not.toMatch(/\n\s+at |node_modules|\.ts:\d+|\.js:\d+/);
}

describe("web server basics", () => {
  it("answers /api/health and sends the security headers on pages, assets and the API", async () => {
    const web = await app();
    const health = await web.inject("/api/health");
    expect(health.statusCode).toBe(200);
    expect(json(health)).toMatchObject({ status: "ok" });
    for (const url of ["/", "/admin", "/api/health", "/assets/chat.js", "/policies/talent-20-rules", "/no-such-page"]) {
      const response = await web.inject(url);
      const csp = String(response.headers["content-security-policy"]);
      expect(csp, url).toContain("script-src 'self'");
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(csp, url).not.toContain("unsafe-inline");
      expect(csp, url).not.toContain("unsafe-eval");
      expect(response.headers["x-content-type-options"], url).toBe("nosniff");
      expect(response.headers["x-frame-options"], url).toBe("DENY");
      expect(response.headers["referrer-policy"], url).toBe("same-origin");
    }
  });

  it("serves the pages and the charting library from the package, and nothing else", async () => {
    const web = await app();
    const page = await web.inject("/");
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.body).toContain('<script src="/assets/chat.js" defer></script>');
    expect(page.body).not.toMatch(/<script>|https?:\/\//); // no inline script, nothing from another site
    const admin = await web.inject("/admin");
    expect(admin.body).toContain('src="/assets/vendor/chart.umd.min.js"');
    expect(admin.body).not.toMatch(/<script>|https?:\/\//);
    const chart = await web.inject("/assets/vendor/chart.umd.min.js");
    expect(chart.statusCode).toBe(200);
    expect(chart.headers["content-type"]).toMatch(/^text\/javascript/);
    expect(chart.body.length).toBeGreaterThan(100_000);
    for (const url of ["/assets/../package.json", "/assets/%2e%2e/package.json", "/assets/nope.js", "/package.json"]) {
      expect((await web.inject(url)).statusCode, url).toBe(404);
    }
  });

  it("renders policy pages with one anchor per article, and 404 for unknown documents", async () => {
    const web = await app();
    const page = await web.inject("/policies/talent-20-rules");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<section class="article" id="第八条"');
    expect(page.body).toContain("示例市人才引领发展20条实施细则");
    expect((await web.inject("/policies/nope")).statusCode).toBe(404);
    expect((await web.inject("/policies")).body).toContain('href="/policies/recruit-2024-notice"');
  });

  it("refuses oversized, non-JSON, malformed and cross-site requests with a short JSON error and no stack trace", async () => {
    const web = await app({ limits: { bodyBytes: 1024 } });
    const big = await web.inject({ method: "POST", url: "/api/chat", payload: { sessionId: SESSION, text: "长".repeat(2000) } });
    expect(big.statusCode).toBe(413);
    expectNoStack(big);
    const plain = await web.inject({ method: "POST", url: "/api/chat", headers: { "content-type": "text/plain" }, payload: "hello" });
    expect(plain.statusCode).toBe(415);
    expectNoStack(plain);
    const broken = await web.inject({ method: "POST", url: "/api/chat", headers: { "content-type": "application/json" }, payload: '{"sessionId": ' });
    expect(broken.statusCode).toBe(400);
    expectNoStack(broken);
    const badSession = await chat(web, "你好", "x");
    expect(badSession.statusCode).toBe(400);
    expectNoStack(badSession);
    const crossSite = await web.inject({ method: "POST", url: "/api/chat", headers: { origin: "https://evil.example" }, payload: { sessionId: SESSION, text: "你好" } });
    expect(crossSite.statusCode).toBe(403);
    const unknown = await web.inject({ method: "POST", url: "/api/nothing", payload: {} });
    expect(unknown.statusCode).toBe(404);
    expectNoStack(unknown);
  });

  it("turns an unexpected failure into a 500 without details, reported to the operator", async () => {
    const web = await app();
    web.get("/api/boom", async () => {
      throw new Error("secret internal detail");
    });
    const response = await web.inject("/api/boom");
    expect(response.statusCode).toBe(500);
    expectNoStack(response);
    expect(response.body).not.toContain("secret internal detail");
    expect(json(response)["error"]).toBe("服务器内部错误，请稍后再试");
    expect(reports.some((line) => line.includes("secret internal detail"))).toBe(true);
  });

  it("limits requests per client address", async () => {
    const web = await app({ limits: { chat: { limit: 3, windowMs: 60_000 }, requests: { limit: 8, windowMs: 60_000 } } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await chat(web, "你好", "rateSession_0123456789", "10.0.0.1")).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await chat(web, "你好", "rateSession_0123456789", "10.0.0.1");
    expect(limited.headers["retry-after"]).toMatch(/^\d+$/);
    expect((await chat(web, "你好", "rateSession_0123456789", "10.0.0.2")).statusCode).toBe(200); // another client
    // Every route counts towards the general limit.
    const general = [];
    for (let i = 0; i < 9; i++) general.push((await web.inject({ url: "/api/health", remoteAddress: "10.0.0.3" })).statusCode);
    expect(general.slice(0, 8).every((s) => s === 200)).toBe(true);
    expect(general[8]).toBe(429);
  });

  it("mounts the HTTP routes that channels declare", async () => {
    const seen: unknown[] = [];
    const web = await app({
      routes: [
        {
          method: "POST",
          path: "/test/webhook",
          handle: async (request) => {
            seen.push(request);
            return { status: 202, body: { ok: true } };
          },
        },
      ],
    });
    const response = await web.inject({ method: "POST", url: "/test/webhook", headers: { "X-Secret": "s3" }, payload: { update_id: 1 } });
    expect(response.statusCode).toBe(202);
    expect(json(response)).toEqual({ ok: true });
    expect(seen).toEqual([{ headers: expect.objectContaining({ "x-secret": "s3" }), body: { update_id: 1 } }]);
    // Also without the web chat (TALENTBOT_WEB=off and a webhook channel on).
    const bare = await app({ channel: undefined, history: undefined, staffToken: undefined, routes: [{ method: "POST", path: "/hook", handle: async () => ({ status: 200 }) }] });
    expect((await bare.inject({ method: "POST", url: "/hook", payload: {} })).statusCode).toBe(200);
    expect((await bare.inject("/")).statusCode).toBe(404);
    expect((await bare.inject("/api/health")).statusCode).toBe(200);
  });
});

describe("chat API", () => {
  it("the hit test says when the text is a chat command the chat would not answer as a question", async () => {
    const web = await app();
    const { cookie, csrf } = await signIn(web);
    const hit = async (text: string) => json(await web.inject({ method: "POST", url: "/api/admin/hit-test", headers: { cookie, "x-csrf-token": csrf }, payload: { text } }));
    expect((await hit("人工！"))["chatCommand"]).toBe("转人工");
    expect((await hit("菜单"))["chatCommand"]).toBe("菜单");
    expect((await hit("/help"))["chatCommand"]).toBe("命令（以 / 开头）");
    expect((await hit(runtime.live.engine.kb.eligibility!.triggers[0]!))["chatCommand"]).toBe("开始政策计算器");
    expect((await hit("人才公寓怎么申请"))["chatCommand"]).toBeUndefined();
  });

  it("masks a phone number hidden with zero-width characters in the stored quote of 人工's reply too", async () => {
    const web = await app();
    const sessionId = "quoteSession_0123456789ab";
    await chat(web, "手机138\u200b1234\u200b5678，人才驿站的停车费谁交", sessionId);
    const human = json(await chat(web, "人工", sessionId)) as { replies: { text: string }[] };
    expect(human.replies.map((r) => r.text).join("\n")).toContain("已记录您的问题“手机138****5678，人才驿站的停车费谁交”"); // quoted as it was logged
    const stored = JSON.stringify(json(await web.inject(`/api/chat/history?sessionId=${sessionId}`))["messages"]);
    expect(stored).toContain("138****5678");
    expect(stored).not.toMatch(/1\D{0,3}3\D{0,3}8\D{0,3}1\D{0,3}2\D{0,3}3\D{0,3}4/);
  });

  it("masks personal data of the earlier question in a follow-up's note, in the reply and the transcript", async () => {
    const web = await app();
    const sessionId = "followUpMask_0123456789ab";
    await chat(web, "我手机13812345678，C类人才购房补贴多少钱", sessionId);
    const second = json(await chat(web, "那D类呢", sessionId)) as { replies: { text: string }[] };
    expect(second.replies[0]!.text).toContain("（接着上一个问题：我手机138****5678，");
    expect(JSON.stringify(json(await web.inject(`/api/chat/history?sessionId=${sessionId}`)))).not.toContain("13812345678");
    // A long question is kept by its end in the conversation: masked before it is cut, so no half number shows.
    const longSession = "followUpLong_0123456789ab";
    await chat(web, "我的银行卡号6222020200112233445呀呀呀呀呀呀呀呀，另外请问C类人才购房补贴多少钱", longSession);
    const note = (json(await chat(web, "那D类呢", longSession)) as { replies: { text: string }[] }).replies[0]!.text;
    expect(note).toMatch(/^（接着上一个问题：/);
    expect(note.split("\n")[0]).not.toMatch(/\d/); // not even the ends of a mask (2***3445)
  });

  it("reads a follow-up question in the web conversation's context and keeps the note in the transcript", async () => {
    const web = await app();
    const sessionId = "followUpSession_0123456789";
    await chat(web, "C类人才购房补贴多少钱", sessionId);
    const second = json(await chat(web, "那D类呢？", sessionId)) as { replies: { text: string; citation?: unknown }[]; messages: ChatItem[] };
    expect(second.replies[0]!.text.startsWith("（接着上一个问题：D类人才购房补贴多少钱）\n")).toBe(true);
    expect(second.replies[0]!.citation).toBeDefined();
    // Another session asking the same has no context: the message alone.
    const alone = json(await chat(web, "那D类呢？", "followUpOther_0123456789")) as { replies: { text: string }[] };
    expect(alone.replies[0]!.text).not.toContain("接着上一个问题");
  });

  it("answers with the core's Reply objects and keeps the conversation for the session", async () => {
    const web = await app();
    const sessionId = "chatSession_0123456789";
    const response = await chat(web, "人才子女入学需要提交哪些材料？", sessionId);
    expect(response.statusCode).toBe(200);
    const body = json(response) as { replies: { text: string; feedback?: boolean; citation?: unknown }[]; messages: ChatItem[] };
    expect(body.replies.length).toBeGreaterThan(0);
    for (const reply of body.replies) expect(Object.keys(reply).every((k) => ["text", "choices", "citation", "feedback"].includes(k))).toBe(true);
    expect(body.messages.map((m) => m.from)).toEqual(["user", ...body.replies.map(() => "bot")]);
    const firstSeq = body.messages[0]!.seq;
    expect(body.messages.map((m) => m.seq)).toEqual(body.messages.map((_, i) => firstSeq + i));

    const all = json(await web.inject(`/api/chat/history?sessionId=${sessionId}`))["messages"] as ChatItem[];
    expect(all).toEqual(body.messages);
    const after = json(await web.inject(`/api/chat/history?sessionId=${sessionId}&after=${firstSeq}`))["messages"] as ChatItem[];
    expect(after.map((m) => m.seq)).toEqual(all.slice(1).map((m) => m.seq));
    expect(json(await web.inject(`/api/chat/history?sessionId=otherSession_0123456789`))["messages"]).toEqual([]);
  });

  it("stores personal data masked in the conversation history", async () => {
    const web = await app();
    const body = json(await chat(web, "我的电话13812345678，人才公寓怎么申请", "maskSession_0123456789")) as { messages: ChatItem[] };
    expect(body.messages[0]!.text).not.toContain("13812345678");
    expect(body.messages[0]!.text).toContain("138****5678");
    const human = json(await chat(web, "人工", "maskSession_0123456789")) as { messages: ChatItem[] };
    expect(human.messages[1]!.text).toContain("138****5678"); // the reply quotes the question, masked
    expect(human.messages[1]!.text).not.toContain("13812345678");
    expect(human.messages[1]!.text).toContain(runtime.live.engine.kb.bot.staffContact.phone); // the bot's own text as it is
  });

  it("delivers a staff reply from the outbox to the session, where the page's polling finds it", async () => {
    const web = await app();
    const sessionId = "staffSession_0123456789";
    await chat(web, "学校食堂承包怎么投标", sessionId);
    const group = (await runtime.log.listGroups({ status: "open" })).find((g) => g.representative === "学校食堂承包怎么投标");
    expect(group).toBeDefined();
    const { cookie, csrf } = await signIn(web);
    const reply = await web.inject({ method: "POST", url: `/api/admin/groups/${group!.id}/reply`, headers: { cookie, "x-csrf-token": csrf }, payload: { text: "食堂承包请咨询后勤处。" } });
    expect(reply.statusCode).toBe(200);
    await waitFor(() => history.since(sessionId).some((m) => m.from === "staff"), "the staff reply in the web session");
    const items = json(await web.inject(`/api/chat/history?sessionId=${sessionId}&after=0`))["messages"] as ChatItem[];
    expect(items.at(-1)).toMatchObject({ from: "staff", text: "关于您咨询的“学校食堂承包怎么投标”，工作人员答复如下：\n食堂承包请咨询后勤处。" });
  });
});

describe("staff console API", () => {
  it("refuses every admin request without a valid session", async () => {
    const web = await app();
    for (const [method, url] of [
      ["GET", "/api/admin/session"],
      ["GET", "/api/admin/groups"],
      ["GET", "/api/admin/groups/g1"],
      ["GET", "/api/admin/dashboard"],
      ["GET", "/api/admin/report.csv"],
      ["GET", "/api/admin/faqs"],
      ["POST", "/api/admin/groups/g1/reply"],
      ["POST", "/api/admin/groups/g1/promote"],
      ["POST", "/api/admin/groups/g1/dismiss"],
      ["POST", "/api/admin/groups/g1/out-of-scope"],
      ["POST", "/api/admin/hit-test"],
      ["POST", "/api/admin/logout"],
    ] as const) {
      const response = await web.inject({ method, url, ...(method === "POST" ? { payload: { text: "x", reason: "x" } } : {}) });
      expect(response.statusCode, `${method} ${url}`).toBe(401);
      const forged = await web.inject({ method, url, headers: { cookie: "talentbot_staff=forged-session-id" }, ...(method === "POST" ? { payload: {} } : {}) });
      expect(forged.statusCode, `${method} ${url} with a forged cookie`).toBe(401);
    }
  });

  it("signs in with the token: HttpOnly SameSite=Strict cookie, and CSRF token required on every POST", async () => {
    const web = await app();
    const wrong = await web.inject({ method: "POST", url: "/api/admin/login", payload: { token: "wrong" }, remoteAddress: "10.1.0.1" });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers["set-cookie"]).toBeUndefined();

    const login = await web.inject({ method: "POST", url: "/api/admin/login", payload: { token: TOKEN }, remoteAddress: "10.1.0.1" });
    const setCookie = String(login.headers["set-cookie"]);
    expect(setCookie).toMatch(/^talentbot_staff=[A-Za-z0-9_-]{40,};/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Strict");
    expect(setCookie).toContain("Path=/api/admin");
    expect(login.headers["cache-control"]).toBe("no-store");
    const cookie = setCookie.split(";")[0]!;
    const csrf = String(json(login)["csrfToken"]);

    await chat(web, "游泳馆几点开门", "csrfSession_0123456789");
    const group = (await runtime.log.listGroups()).find((g) => g.representative === "游泳馆几点开门")!;
    const url = `/api/admin/groups/${group.id}/dismiss`;
    const withoutCsrf = await web.inject({ method: "POST", url, headers: { cookie }, payload: { reason: "无关" } });
    expect(withoutCsrf.statusCode).toBe(403);
    const wrongCsrf = await web.inject({ method: "POST", url, headers: { cookie, "x-csrf-token": `${csrf}x` }, payload: { reason: "无关" } });
    expect(wrongCsrf.statusCode).toBe(403);
    const other = await signIn(web); // another session's token does not fit this cookie
    const otherCsrf = await web.inject({ method: "POST", url, headers: { cookie, "x-csrf-token": other.csrf }, payload: { reason: "无关" } });
    expect(otherCsrf.statusCode).toBe(403);
    expect((await runtime.log.getGroup(group.id))!.group.status).toBe("open");

    const ok = await web.inject({ method: "POST", url, headers: { cookie, "x-csrf-token": csrf }, payload: { reason: "无关" } });
    expect(ok.statusCode).toBe(200);
    expect((await runtime.log.getGroup(group.id))!.group.status).toBe("dismissed");

    expect(json(await web.inject({ url: "/api/admin/session", headers: { cookie } }))["csrfToken"]).toBe(csrf);
    const logout = await web.inject({ method: "POST", url: "/api/admin/logout", headers: { cookie, "x-csrf-token": csrf }, payload: {} });
    expect(logout.statusCode).toBe(200);
    expect(String(logout.headers["set-cookie"])).toContain("Max-Age=0");
    expect((await web.inject({ url: "/api/admin/groups", headers: { cookie } })).statusCode).toBe(401);
  });

  it("behind a named reverse proxy counts the address the proxy appended, never what the client wrote", async () => {
    const parsed = parseTrustProxy("1");
    expect(parsed).toEqual({ trust: ["loopback"] });
    const web = await app({ trustProxy: "trust" in parsed ? parsed.trust : false });
    // The proxy on 127.0.0.1 appends the real client; everything left of it is the client's own writing.
    const viaProxy = (token: string, forged: string, client: string) =>
      web.inject({ method: "POST", url: "/api/admin/login", payload: { token }, remoteAddress: "127.0.0.1", headers: { "x-forwarded-for": `${forged}, ${client}`, "x-forwarded-proto": "https" } });
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await viaProxy(`guess-${i}`, `198.51.100.${i}`, "203.0.113.7")).statusCode);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(new Set(statuses.slice(5))).toEqual(new Set([429]));
    expect((await viaProxy(TOKEN, "10.9.9.9", "203.0.113.7")).statusCode).toBe(429);
    const other = await viaProxy(TOKEN, "203.0.113.7", "203.0.113.8"); // another client behind the same proxy
    expect(other.statusCode).toBe(200);
    expect(String(other.headers["set-cookie"])).toMatch(/; Secure$/);

    // A client that is not the proxy cannot pose as one: its X-Forwarded-For is ignored.
    for (let i = 0; i < 5; i++) {
      await web.inject({ method: "POST", url: "/api/admin/login", payload: { token: "x" }, remoteAddress: "198.51.100.200", headers: { "x-forwarded-for": `192.0.2.${i}` } });
    }
    expect((await web.inject({ method: "POST", url: "/api/admin/login", payload: { token: TOKEN }, remoteAddress: "198.51.100.200", headers: { "x-forwarded-for": "192.0.2.99" } })).statusCode).toBe(
      429,
    );
    const direct = await app();
    expect(String((await direct.inject({ method: "POST", url: "/api/admin/login", payload: { token: TOKEN }, headers: { "x-forwarded-proto": "https" } })).headers["set-cookie"])).not.toContain(
      "Secure",
    );
  });

  it("reads TALENTBOT_TRUST_PROXY as proxy addresses and refuses a hop count", () => {
    expect(parseTrustProxy(undefined)).toEqual({ trust: false });
    expect(parseTrustProxy("off")).toEqual({ trust: false });
    expect(parseTrustProxy("on")).toEqual({ trust: ["loopback"] });
    expect(parseTrustProxy(" 10.0.0.5, 10.0.1.0/24 ,Loopback,::1 ")).toEqual({ trust: ["10.0.0.5", "10.0.1.0/24", "loopback", "::1"] });
    expect(parseTrustProxy("2")).toEqual({ error: expect.stringContaining("a number of proxy hops is not supported") });
    expect(parseTrustProxy("proxy.example.org")).toEqual({ error: expect.stringContaining('"proxy.example.org" is not an address') });
    expect(parseTrustProxy("10.0.0.0/40")).toEqual({ error: expect.stringContaining('"10.0.0.0/40"') });
  });

  it("rate-limits wrong tokens per client: once blocked, even the right token is refused", async () => {
    const web = await app({ limits: { signInFailures: { limit: 3, windowMs: 60_000 } } });
    const attempt = (token: string, remoteAddress: string) => web.inject({ method: "POST", url: "/api/admin/login", payload: { token }, remoteAddress });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await attempt(`guess-${i}`, "10.2.0.1")).statusCode);
    expect(statuses).toEqual([401, 401, 401]);
    const blocked = await attempt(TOKEN, "10.2.0.1");
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
    expect(blocked.headers["set-cookie"]).toBeUndefined();
    expect((await attempt(TOKEN, "10.2.0.2")).statusCode).toBe(200); // other clients are not affected
  });

  it("lists groups with filters, shows one with its entries and the engine's guesses", async () => {
    const web = await app();
    const { cookie } = await signIn(web);
    await chat(web, "停车场收费标准是多少", "listSession_0123456789");
    const list = json(await web.inject({ url: "/api/admin/groups?status=open", headers: { cookie } }))["groups"] as { id: string; representative: string; channels: string[]; matchKeys?: unknown }[];
    const group = list.find((g) => g.representative === "停车场收费标准是多少");
    expect(group).toMatchObject({ channels: ["web"] });
    expect(group!.matchKeys).toBeUndefined();
    const today = new Date();
    const date = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, "0")}-${String(today.getDate()).padStart(2, "0")}`;
    const since = json(await web.inject({ url: `/api/admin/groups?status=all&since=${date}&until=${date}`, headers: { cookie } }))["groups"] as unknown[];
    expect(since.length).toBeGreaterThan(0);
    const none = json(await web.inject({ url: "/api/admin/groups?status=all&until=2000-01-01", headers: { cookie } }))["groups"] as unknown[];
    expect(none).toEqual([]);
    expect((await web.inject({ url: "/api/admin/groups?status=bogus", headers: { cookie } })).statusCode).toBe(400);

    const details = json(await web.inject({ url: `/api/admin/groups/${group!.id}`, headers: { cookie } })) as {
      entries: Record<string, unknown>[];
      group: { bestGuesses: { question: string | null }[] };
    };
    expect(details.entries[0]).toMatchObject({ text: "停车场收费标准是多少", channel: "web" });
    expect(details.entries[0]!["conversationId"]).toBeUndefined();
    expect(details.entries[0]!["senderId"]).toBeUndefined();
    const missing = await web.inject({ url: "/api/admin/groups/g9999", headers: { cookie } });
    expect(missing.statusCode).toBe(400);
    expect(String(json(missing)["error"])).toBe("没有编号为 g9999 的问题组，可能已被删除；请刷新“问题队列”（在聊天中：发送 /pending）查看现有的问题组。");
  });

  it("hit-tests a question without logging or counting it", async () => {
    const web = await app();
    const { cookie, csrf } = await signIn(web);
    const groupsBefore = (await runtime.log.listGroups()).length;
    const hitsBefore = JSON.stringify(await runtime.log.faqHits());
    const response = await web.inject({ method: "POST", url: "/api/admin/hit-test", headers: { cookie, "x-csrf-token": csrf }, payload: { text: "人才子女入学需要提交哪些材料？" } });
    expect(response.statusCode).toBe(200);
    const result = json(response) as { status: string; score: number; confidence: number; suggestions: unknown[] };
    expect(result.status).toBe((await runtime.live.engine.ask("人才子女入学需要提交哪些材料？")).status);
    expect(typeof result.score).toBe("number");
    expect(typeof result.confidence).toBe("number");
    await web.inject({ method: "POST", url: "/api/admin/hit-test", headers: { cookie, "x-csrf-token": csrf }, payload: { text: "完全不相关的问题火星旅游" } });
    expect((await runtime.log.listGroups()).length).toBe(groupsBefore);
    expect(JSON.stringify(await runtime.log.faqHits())).toBe(hitsBefore);
  });

  it("gives the dashboard figures, every FAQ with its hits, and the monthly CSV as a download", async () => {
    const web = await app();
    const { cookie } = await signIn(web);
    await chat(web, "人才子女入学需要提交哪些材料？", "dashSession_0123456789");
    const month = new Date().toISOString().slice(0, 7);
    const localMonth = `${new Date().getFullYear()}-${String(new Date().getMonth() + 1).padStart(2, "0")}`;
    const dashboard = json(await web.inject({ url: `/api/admin/dashboard?month=${localMonth}`, headers: { cookie } })) as {
      days: unknown[];
      total: { questions: number };
      rates: Record<string, number | null>;
      topOpenGroups: unknown[];
    };
    expect(dashboard.days.length).toBeGreaterThanOrEqual(28);
    expect(dashboard.total.questions).toBeGreaterThan(0);
    expect(Object.keys(dashboard.rates)).toEqual(["answered", "suggested", "logged"]);
    expect((await web.inject({ url: "/api/admin/dashboard?month=2024-13", headers: { cookie } })).statusCode).toBe(400);

    const knowledge = json(await web.inject({ url: "/api/admin/faqs", headers: { cookie } }));
    const faqs = knowledge["faqs"] as { id: string; hits: number }[];
    expect(knowledge["model"]).toMatchObject({ fittedAt: runtime.live.engine.options.model!.fittedAt, fittedOn: { alternatesHeldOut: expect.any(Number) } });
    expect(faqs.length).toBe(runtime.live.engine.kb.faqs.length);
    const hits = await runtime.log.faqHits();
    for (const faq of faqs) expect(faq.hits).toBe(hits[faq.id] ?? 0);

    const csv = await web.inject({ url: `/api/admin/report.csv?month=${month}`, headers: { cookie } });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(csv.headers["content-disposition"]).toBe(`attachment; filename="talentbot-${month}.csv"`);
    expect(csv.body.startsWith("\uFEFF月度报告,")).toBe(true);
  });

  it("promotes a group into the knowledge base as alternates of an existing FAQ, and the engine reloads", async () => {
    const web = await app();
    const { cookie, csrf } = await signIn(web);
    await chat(web, "博士后进站补贴发放时间表", "promoteSession_0123456789");
    const group = (await runtime.log.listGroups({ status: "open" })).find((g) => g.representative === "博士后进站补贴发放时间表")!;
    const response = await web.inject({ method: "POST", url: `/api/admin/groups/${group.id}/promote`, headers: { cookie, "x-csrf-token": csrf }, payload: { to: "housing-subsidy" } });
    expect(response.statusCode).toBe(200);
    expect(json(response)).toMatchObject({ faqId: "housing-subsidy", created: false, alternates: ["博士后进站补贴发放时间表"], reload: { ok: true } });
    expect(runtime.live.engine.faq("housing-subsidy")!.alternates).toContain("博士后进站补贴发放时间表");
    const again = await web.inject({ method: "POST", url: `/api/admin/groups/${group.id}/promote`, headers: { cookie, "x-csrf-token": csrf }, payload: { faqId: "new-one", answer: "x" } });
    expect(again.statusCode).toBe(400);
    expect(String(json(again)["error"])).toContain(`问题组 ${group.id} 已经加入问答“housing-subsidy”`);
  });

  it("promotes the README's example (人才公寓怎么申请, an out-of-scope example) after staff confirm removing the example", async () => {
    const web = await app();
    const { cookie, csrf } = await signIn(web);
    const question = "人才公寓怎么申请";
    const examples = () => runtime.live.engine.kb.outOfScope.flatMap((g) => g.examples.map((x) => x.text));
    expect(examples(), "fixture: the README's example is no longer an out-of-scope example").toContain(question);
    await chat(web, question, "readmePromote_0123456789");
    const group = (await runtime.log.listGroups({ status: "open" })).find((g) => g.representative === question)!;
    const url = `/api/admin/groups/${group.id}/promote`;
    const body = { faqId: "talent-apartment", answer: "人才公寓请向市住建局申请，咨询电话 0000-12345678。" };
    const refused = await web.inject({ method: "POST", url, headers: { cookie, "x-csrf-token": csrf }, payload: body });
    expect(refused.statusCode).toBe(400);
    expect(json(refused)).toMatchObject({ needsConfirmation: true });
    expect(String(json(refused)["error"])).toMatch(/^“人才公寓怎么申请”（主题“人才公寓”，第 \d+ 行） 在 out-of-scope\.md 中列为“不在问答范围”/);
    expect(String(json(refused)["error"])).not.toMatch(/--[a-z]/);
    expect(runtime.live.engine.faq("talent-apartment")).toBeUndefined(); // nothing written

    const confirmed = await web.inject({ method: "POST", url, headers: { cookie, "x-csrf-token": csrf }, payload: { ...body, removeOutOfScope: true } });
    expect(confirmed.statusCode).toBe(200);
    expect(json(confirmed)).toMatchObject({ faqId: "talent-apartment", created: true, removedOutOfScope: [question], reload: { ok: true } });
    expect(examples()).not.toContain(question);
    expect(examples()).toContain("人才公寓多久配租一次"); // the subject's other examples stay
    const answer = await runtime.live.engine.ask(question);
    expect(answer.faqId).toBe("talent-apartment");
  });

  it("does not blame a staff action for a problem the FAQ's file had before (it names the file to fix)", async () => {
    const web = await app();
    const { cookie, csrf } = await signIn(web);
    await chat(web, "人才驿站的储物柜怎么借", "preBroken_0123456789abcd");
    const group = (await runtime.log.listGroups({ status: "open" })).find((g) => g.representative === "人才驿站的储物柜怎么借")!;
    const rel = runtime.live.engine.faq("housing-subsidy")!.file;
    const file = join(runtime.live.dir, rel);
    const original = await readFile(file, "utf8");
    await writeFile(file, original.replace(/^schemaVersion: 1$/m, "schemaVersion: 2"), "utf8");
    try {
      const response = await web.inject({ method: "POST", url: `/api/admin/groups/${group.id}/promote`, headers: { cookie, "x-csrf-token": csrf }, payload: { to: "housing-subsidy" } });
      expect(response.statusCode).toBe(400);
      expect(String(json(response)["error"])).toMatch(new RegExp(`^问答“housing-subsidy”的文件有错误[\\s\\S]*${rel.replaceAll("/", "\\/")}`));
      expect(String(json(response)["error"])).not.toContain("这次修改会让知识库出错");
      expect(await readFile(file, "utf8")).toBe(original.replace(/^schemaVersion: 1$/m, "schemaVersion: 2")); // untouched
    } finally {
      await writeFile(file, original, "utf8");
      await runtime.live.reload();
    }
  });

  it("promotes while another knowledge file is broken, and says the reload did not happen and why", async () => {
    const web = await app();
    const { cookie, csrf } = await signIn(web);
    const question = "人才驿站的开放时间";
    await chat(web, question, "brokenPromote_0123456789");
    const group = (await runtime.log.listGroups({ status: "open" })).find((g) => g.representative === question)!;
    const rel = runtime.live.engine.faq("enroll-materials")!.file;
    const file = join(runtime.live.dir, rel);
    const original = await readFile(file, "utf8");
    await writeFile(file, original.replace(/^question: /m, "question: [未闭合 "), "utf8");
    try {
      expect((await runtime.live.reload()).ok).toBe(false);
      const response = await web.inject({
        method: "POST",
        url: `/api/admin/groups/${group.id}/promote`,
        headers: { cookie, "x-csrf-token": csrf },
        payload: { faqId: "talent-station", answer: "工作日 9:00-17:00。" },
      });
      expect(response.statusCode).toBe(200);
      const result = json(response) as { created: boolean; reload: { ok: boolean; message: string; problems: string[] } };
      expect(result.created).toBe(true);
      expect(result.reload.ok).toBe(false);
      expect(result.reload.message).toBe("知识库有 1 个问题，没有重新加载，机器人仍按之前的版本回答");
      expect(result.reload.problems.join("\n")).toMatch(new RegExp(`^${rel.replaceAll("/", "\\/")} 第 \\d+ 行：这一行附近的字段写法有误`, "m"));
      expect(result.reload.problems.join("\n")).not.toMatch(/invalid YAML/);
      expect(runtime.live.engine.faq("talent-station")).toBeUndefined(); // the previous version still answers
      // Adding wordings to the broken FAQ itself says why, with the line (not that there is no such FAQ).
      await chat(web, "人才驿站的停车场晚上开放吗", "brokenPromote_0123456789");
      const other = (await runtime.log.listGroups({ status: "open" })).find((g) => g.representative === "人才驿站的停车场晚上开放吗")!;
      const refused = await web.inject({ method: "POST", url: `/api/admin/groups/${other.id}/promote`, headers: { cookie, "x-csrf-token": csrf }, payload: { to: "enroll-materials" } });
      expect(refused.statusCode).toBe(400);
      expect(String(json(refused)["error"])).toMatch(new RegExp(`^问答“enroll-materials”的文件有错误，读不出来，所以这次没有加入[\\s\\S]*${rel.replaceAll("/", "\\/")} 第 \\d+ 行`));
      // A new FAQ with the broken file's id would be a second file with that id: refused the same way.
      const sameId = await web.inject({ method: "POST", url: `/api/admin/groups/${other.id}/promote`, headers: { cookie, "x-csrf-token": csrf }, payload: { faqId: "enroll-materials", answer: "x" } });
      expect(sameId.statusCode).toBe(400);
      expect(String(json(sameId)["error"])).toMatch(/^问答“enroll-materials”的文件有错误，读不出来/);
      const notices = json(await web.inject({ url: "/api/admin/notices", headers: { cookie } }))["notices"] as string[];
      expect(notices.join("\n")).toContain("知识库最近的修改有错误，没有生效：机器人仍按修改前的版本回答");
    } finally {
      await writeFile(file, original, "utf8");
      await runtime.live.reload();
    }
    expect(runtime.live.engine.faq("talent-station")).toBeDefined();
  });

  it("answers a malformed request in Chinese, naming the field as the page calls it", async () => {
    const web = await app();
    const { cookie, csrf } = await signIn(web);
    const post = (url: string, payload: string) => web.inject({ method: "POST", url, headers: { cookie, "x-csrf-token": csrf, "content-type": "application/json" }, payload });
    const cases: [string, string, string][] = [
      ["/api/admin/login", '"just a string"', "请求格式不正确：请求内容应为 JSON 对象"],
      ["/api/admin/login", "{}", "请求格式不正确：缺少“口令”"],
      ["/api/admin/hit-test", JSON.stringify({ text: { question: "问" } }), "请求格式不正确：“内容”应为文字"],
      ["/api/admin/groups/g1/dismiss", JSON.stringify({ reason: "因".repeat(501) }), "请求格式不正确：“忽略原因”太长，最多 500 个字符"],
      ["/api/chat", JSON.stringify({ sessionId: SESSION, text: "问".repeat(2001) }), "请求格式不正确：“内容”太长，最多 2000 个字符"],
      ["/api/chat", JSON.stringify({ sessionId: "short", text: "问" }), "请求格式不正确：“会话编号”的格式不正确"],
      // A JSON body is taken as sent: a number is not text, "true" is not yes (no type coercion).
      ["/api/admin/groups/g1/reply", JSON.stringify({ text: 5 }), "请求格式不正确：“内容”应为文字"],
      ["/api/chat", JSON.stringify({ sessionId: SESSION, text: 42 }), "请求格式不正确：“内容”应为文字"],
      ["/api/admin/groups/g1/promote", JSON.stringify({ to: "talent-apartment", removeOutOfScope: "true" }), "请求格式不正确：“确认删除不在范围示例”应为是或否"],
    ];
    for (const [url, payload, message] of cases) {
      const response = await post(url, payload);
      expect(response.statusCode, url).toBe(400);
      expect(json(response)["error"]).toBe(message);
    }
    const status = await web.inject({ url: "/api/admin/groups?status=closed", headers: { cookie } });
    expect(String(json(status)["error"])).toBe("请求格式不正确：“状态”只能是：open（待处理）、replied（已答复）、promoted（已加入问答）、dismissed（已忽略）、all（全部）");
  });

  it("lists a group as out of scope: examples written, group dismissed, the engine reloads with them", async () => {
    const web = await app();
    const { cookie, csrf } = await signIn(web);
    const question = "人才公寓的物业费由谁来交";
    await chat(web, question, "outOfScopeSession_0123456789");
    const group = (await runtime.log.listGroups({ status: "open" })).find((g) => g.representative === question)!;
    const url = `/api/admin/groups/${group.id}/out-of-scope`;
    const empty = await web.inject({ method: "POST", url, headers: { cookie, "x-csrf-token": csrf }, payload: { subject: " " } });
    expect(empty.statusCode).toBe(400);
    expect(String(json(empty)["error"])).toBe("请在“主题”中写明问答不涵盖的主题，例如：租房补贴（不要以 # 开头）。");
    const response = await web.inject({ method: "POST", url, headers: { cookie, "x-csrf-token": csrf }, payload: { subject: "人才公寓物业" } });
    expect(response.statusCode).toBe(200);
    expect(json(response)).toMatchObject({ subject: "人才公寓物业", added: [question], skipped: [], group: { status: "dismissed" }, reload: { ok: true } });
    expect(runtime.live.engine.kb.outOfScope.find((g) => g.subject === "人才公寓物业")?.examples.map((x) => x.text)).toEqual([question]);
    expect((await runtime.live.engine.search(question)).outOfScopeScore).toBeCloseTo(1, 5);
  });

  it("says in Chinese which wordings an action cannot use and why (masked personal data), and keeps the group open", async () => {
    const web = await app();
    const { cookie, csrf } = await signIn(web);
    const question = "我手机13812345678，人才驿站的停车费谁来交";
    await chat(web, question, "skippedSession_0123456789");
    const group = (await runtime.log.listGroups({ status: "open" })).find((g) => g.representative.includes("人才驿站的停车费"))!;
    const response = await web.inject({ method: "POST", url: `/api/admin/groups/${group.id}/out-of-scope`, headers: { cookie, "x-csrf-token": csrf }, payload: { subject: "人才驿站停车" } });
    // Nothing can be written: refused, with the reason, and the group stays in the queue.
    expect(response.statusCode).toBe(400);
    expect(json(response)["error"]).toBe(
      "这个问题组的问法都不能列为“不在问答范围”：“我手机138****5678，人才驿站的停车费谁来交”——含有已遮蔽的个人信息。没有写入，问题组仍待处理；可以直接“忽略”它，或先答复。",
    );
    expect((await runtime.log.getGroup(group.id))!.group.status).toBe("open");
  });
});

describe("settings and secrets", () => {
  it("the web channel is registered, on by default at 127.0.0.1:3000, off with TALENTBOT_WEB=off", async () => {
    expect(CHANNELS.map((c) => c.name)).toContain("web");
    expect(webSettings({})).toEqual({ on: true, listen: { host: "127.0.0.1", port: 3000 } });
    expect(webSettings({ PORT: "8080", HOST: "0.0.0.0" })).toEqual({ on: true, listen: { host: "0.0.0.0", port: 8080 } });
    expect(webSettings({ TALENTBOT_WEB: "off" })).toEqual({ on: false, reason: "TALENTBOT_WEB=off" });
    expect(webSettings({ PORT: "http" })).toEqual({ on: false, reason: "PORT=http is not a port number (0–65535)" });
    const setup = CHANNELS.find((c) => c.name === "web")!.setup({ env: {}, stdin: process.stdin, stdout: process.stdout, greeting: "" });
    expect(setup.on && setup.note).toContain("http://127.0.0.1:3000");
  });

  it("generates the staff token once, in the data directory with mode 0600; ADMIN_TOKEN takes precedence", async () => {
    const dir = await tempDir();
    const said: string[] = [];
    const first = await resolveStaffToken(dir, {}, (line) => said.push(line));
    expect(first.generated).toBe(true);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect((await stat(join(dir, "staff-token"))).mode & 0o777).toBe(0o600);
    expect((await readFile(join(dir, "staff-token"), "utf8")).trim()).toBe(first.token);
    const second = await resolveStaffToken(dir, {}, (line) => said.push(line));
    expect(second).toEqual({ token: first.token, source: join(dir, "staff-token"), generated: false });
    expect(await resolveStaffToken(dir, { ADMIN_TOKEN: "from-the-environment-1234" }, (line) => said.push(line))).toEqual({
      token: "from-the-environment-1234",
      source: "ADMIN_TOKEN",
      generated: false,
    });
    expect(said).toEqual([]);
    await resolveStaffToken(dir, { ADMIN_TOKEN: "short" }, (line) => said.push(line));
    expect(said[0]).toContain("ADMIN_TOKEN is shorter than 16 characters");
  });

  it("compares secrets exactly", async () => {
    expect(safeEqual("abc", "abc")).toBe(true);
    expect(safeEqual("abc", "abd")).toBe(false);
    expect(safeEqual("abc", "abcd")).toBe(false);
    expect(safeEqual("", "abc")).toBe(false);
  });

  it("keeps web conversations across a restart in a 0600 file", async () => {
    const dir = await tempDir();
    const file = join(dir, "web-chat.json");
    const first = await ChatHistory.open({ file });
    await first.exchange("persistSession_0123456789", "问题", [{ text: "回答", feedback: true }]);
    await first.deliver("persistSession_0123456789", { text: "工作人员的答复" });
    await first.close();
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const second = await ChatHistory.open({ file });
    const kept = second.since("persistSession_0123456789");
    const s1 = kept[0]!.seq;
    expect(kept.map((m) => [m.seq, m.from, m.text])).toEqual([
      [s1, "user", "问题"],
      [s1 + 1, "bot", "回答"],
      [s1 + 2, "staff", "工作人员的答复"],
    ]);
    expect(second.since("persistSession_0123456789", s1 + 1).map((m) => m.seq)).toEqual([s1 + 2]);
  });

  it("the web channel refuses staff replies to something that is not a web session", async () => {
    const web = new WebChannel();
    await expect(web.send("abcdefghijklmnopqrstu", { text: "x" })).rejects.toThrow("not ready");
    web.attach(await ChatHistory.open());
    await expect(web.send("console", { text: "x" })).rejects.toThrow("not a web session");
    await expect(web.receive("abcdefghijklmnopqrstu", "x")).rejects.toThrow("not receiving");
  });
});
