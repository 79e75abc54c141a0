import type { AddressInfo } from "node:net";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Bot } from "../core/bot.js";
import type { HttpRoute } from "../core/channel.js";
import type { LiveEngine } from "../core/live-engine.js";
import { toStderr } from "../core/report.js";
import type { QuestionLog } from "../log/question-log.js";
import { formatProblemZh } from "../knowledge/errors.js";
import type { StaffDesk } from "../staff/desk.js";
import { registerAdminRoutes } from "./admin-routes.js";
import { SESSION_ID_PATTERN, type WebChannel } from "./channel.js";
import { bodyTypeMismatch, publicMessage } from "./errors.js";
import { unsavedReplies, type ChatStore } from "./chat-history.js";
import { loadAssets, notFoundPage, policyIndexPage, policyPage, type Asset } from "./pages.js";
import { SECURITY_HEADERS, WindowCounter, tooMany, type WindowLimit } from "./security.js";
import { StaffSessions, type StaffSessionOptions } from "./staff-auth.js";

export interface WebLimits {
  /** Largest request body. Default 16 KiB. */
  bodyBytes: number;
  /** Requests per client address, any route. Default 600 a minute. */
  requests: WindowLimit;
  /** Chat messages per client address (an office behind one address counts as one). Default 60 a minute. */
  chat: WindowLimit;
  /** Wrong staff tokens per client address before sign-in is refused for a while. Default 5 in 15 minutes. */
  signInFailures: WindowLimit;
}

export const DEFAULT_WEB_LIMITS: WebLimits = {
  bodyBytes: 16 * 1024,
  requests: { limit: 600, windowMs: 60_000 },
  chat: { limit: 60, windowMs: 60_000 },
  signInFailures: { limit: 5, windowMs: 15 * 60_000 },
};

/** The parts of the running bot the web server uses. */
export interface WebRuntime {
  live: LiveEngine;
  log: QuestionLog;
  /** The running bot's one staff desk (a reply is delivered at once, a promote reloads the knowledge base). */
  desk: StaffDesk;
  /** The conversation core (the staff console reads the eligibility check's counts from it). */
  bot: Bot;
}

export interface WebAppOptions {
  runtime: WebRuntime;
  /** The chat page, its API and the policy pages; without it only channel routes and /api/health are served. */
  channel?: WebChannel;
  /** Conversations of the chat page (required with `channel`). */
  history?: ChatStore;
  /** Staff console at /admin, signed in with this token; none: no console. */
  staffToken?: string;
  /** What the console's actions go through. Default: the runtime's desk, the one the admin endpoint uses. */
  desk?: StaffDesk;
  /** HTTP endpoints the started channels declare (Telegram's webhook …). */
  routes?: readonly HttpRoute[];
  limits?: Partial<WebLimits>;
  staffSessions?: StaffSessionOptions;
  /** The reverse proxies whose X-Forwarded-* entries are believed (addresses, CIDR ranges, `loopback` …; see parseTrustProxy). Default false: none. */
  trustProxy?: string[] | false;
  /** Operator messages (failed requests). Default: stderr. */
  report?: (line: string) => void;
}

/**
 * The bot's web server (fastify): the chat page and its JSON API, the policy pages, the staff
 * console and its API, and the channels' HTTP routes. Returns the app without listening
 * (tests use `app.inject`); `WebServer.start` listens.
 */
export async function buildWebApp(options: WebAppOptions): Promise<FastifyInstance> {
  const limits: WebLimits = { ...DEFAULT_WEB_LIMITS, ...options.limits };
  const report = options.report ?? toStderr;
  const app = Fastify({ logger: false, bodyLimit: limits.bodyBytes, trustProxy: options.trustProxy ?? false, return503OnClosing: true });
  const assets = options.channel ? await loadAssets() : new Map<string, Asset>();
  const requests = new WindowCounter(limits.requests);
  const chatMessages = new WindowCounter(limits.chat);

  // Only JSON bodies: a cross-site HTML form cannot send one without a CORS preflight, which this server never grants.
  app.removeContentTypeParser("text/plain");

  app.addHook("onRequest", async (request, reply) => {
    reply.headers(SECURITY_HEADERS);
    if (!requests.take(request.ip)) return tooMany(reply, requests.retryAfter(request.ip));
    if (request.method !== "GET" && request.method !== "HEAD") {
      // Defence in depth against cross-site requests: a browser always says where a POST comes from.
      const origin = request.headers.origin;
      if (origin !== undefined && origin !== `${request.protocol}://${request.host}`) {
        return reply.code(403).send({ error: "跨站请求被拒绝" });
      }
    }
    return undefined;
  });

  app.addHook("preValidation", async (request, reply) => {
    const mismatch = bodyTypeMismatch(request.routeOptions.schema?.body, request.body);
    if (mismatch) return reply.code(400).send({ error: mismatch });
    return undefined;
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) report(`talentbot: web request ${request.method} ${request.url.split("?")[0] ?? ""} failed: ${error.message}`);
    return reply
      .code(status)
      .type("application/json; charset=utf-8")
      .send({ error: publicMessage(status, error) });
  });

  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith("/api/") || request.method !== "GET") return reply.code(404).send({ error: "没有这个接口" });
    return reply.code(404).type("text/html; charset=utf-8").send(notFoundPage());
  });

  app.get("/api/health", async () => ({ status: "ok", faqs: options.runtime.live.engine.kb.faqs.length }));

  for (const route of options.routes ?? []) {
    app.route({
      method: route.method,
      url: route.path,
      handler: async (request, reply) => {
        const headers: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
        const response = await route.handle({ headers, body: request.body });
        reply.code(response.status);
        return response.body === undefined ? reply.send() : reply.send(response.body);
      },
    });
  }

  const { channel, history } = options;
  if (channel) {
    if (!history) throw new Error("the web chat needs a ChatHistory");
    const sendAsset = (reply: FastifyReply, name: string) => {
      const asset = assets.get(name);
      if (!asset) return reply.callNotFound();
      return reply.type(asset.type).header("cache-control", "no-cache").send(asset.body);
    };
    app.get("/", (_request, reply) => sendAsset(reply, "chat.html"));
    app.get("/assets/*", (request: FastifyRequest<{ Params: { "*": string } }>, reply) => sendAsset(reply, `assets/${request.params["*"]}`));

    app.get("/api/chat/config", async () => {
      const { bot } = options.runtime.live.engine.kb;
      return { botName: bot.botName, greeting: bot.greeting, examples: bot.examples };
    });

    app.post("/api/chat", { schema: { body: chatBodySchema } }, async (request: FastifyRequest<{ Body: { sessionId: string; text: string } }>, reply) => {
      if (!chatMessages.take(request.ip)) return tooMany(reply, chatMessages.retryAfter(request.ip));
      if (!channel.receiving) return reply.code(503).send({ error: "服务暂不可用，请稍后再试" });
      const { sessionId, text } = request.body;
      const replies = await channel.receive(sessionId, text);
      const messages = await history.exchange(sessionId, text, replies);
      return { sessionId, replies, messages };
    });

    app.get("/api/chat/history", { schema: { querystring: historyQuerySchema } }, async (request: FastifyRequest<{ Querystring: { sessionId: string; after?: number; resume?: boolean } }>) => {
      const { sessionId, after, resume } = request.query;
      const messages = await history.since(sessionId, after ?? 0);
      // The check's questions are not in the transcript: without this, a reloaded page would hide the question a "1" answers.
      const pending = resume ? options.runtime.bot.pendingQuestion({ channel: channel.name, conversationId: sessionId, senderId: sessionId, isGroup: false }) : undefined;
      return { messages: pending ? [...messages, ...unsavedReplies([pending], options.runtime.bot.services.now())] : messages };
    });

    app.get("/policies", (_request, reply) => reply.type("text/html; charset=utf-8").send(policyIndexPage(options.runtime.live.engine.kb)));
    app.get("/policies/:doc", (request: FastifyRequest<{ Params: { doc: string } }>, reply) => {
      const doc = options.runtime.live.engine.kb.policies.find((p) => p.id === request.params.doc);
      if (!doc) return reply.callNotFound();
      return reply.type("text/html; charset=utf-8").send(policyPage(doc));
    });

    if (options.staffToken !== undefined) {
      app.get("/admin", (_request, reply) => sendAsset(reply, "admin.html"));
      registerAdminRoutes(app, {
        token: options.staffToken,
        runtime: options.runtime,
        desk: options.desk ?? options.runtime.desk,
        sessions: new StaffSessions(options.staffSessions),
        signInFailures: new WindowCounter(limits.signInFailures),
        notices: () => staffNotices(options.runtime, history),
      });
    }
  }
  return app;
}

/**
 * The operator hears these on stderr; staff, who may never see the terminal, read them at the
 * top of every console view: what happened, what the bot does meanwhile, what to do.
 */
export function staffNotices(runtime: WebRuntime, history: ChatStore | undefined): string[] {
  const notices: string[] = [];
  const failed = runtime.live.failedReload;
  if (failed) {
    const where = failed.problems.length > 0 ? failed.problems.map(formatProblemZh).join("\n") : `知识库的文件无法读取（${failed.message}），请联系系统管理员检查文件和权限。`;
    notices.push(`知识库最近的修改有错误，没有生效：机器人仍按修改前的版本回答。请按下面的提示改正文件（文件名、第几行、怎么改），保存后会自动重新加载：\n${where}`);
  }
  for (const problem of history?.warnings ?? []) {
    notices.push(
      problem.movedTo
        ? `网页聊天记录文件 ${problem.file} 已损坏，已原样移到 ${problem.movedTo}，网页对话从空记录重新开始。此前的网页对话和尚未送达的工作人员答复都在那个文件里，请联系系统管理员查看或恢复，不要删除。`
        : `网页聊天记录文件 ${problem.file} 无法读取（它可能是一个文件夹，或没有读取权限），已保持原样不动；新的网页对话暂时只保存在内存中，重启后会丢失。请联系系统管理员检查这个文件。`,
    );
  }
  notices.push(...runtime.log.staffWarnings);
  return notices;
}

const chatBodySchema = {
  type: "object",
  required: ["sessionId", "text"],
  properties: {
    sessionId: { type: "string", pattern: SESSION_ID_PATTERN.source },
    // The core asks for a shorter message above 500 characters; longer bodies are refused here.
    text: { type: "string", maxLength: 2000 },
  },
} as const;

const historyQuerySchema = {
  type: "object",
  required: ["sessionId"],
  properties: {
    sessionId: { type: "string", pattern: SESSION_ID_PATTERN.source },
    after: { type: "integer", minimum: 0 },
    /** Set by the page's first load: a question the eligibility check waits for is shown again after the stored items. */
    resume: { type: "boolean" },
  },
} as const;

export interface WebServerOptions extends WebAppOptions {
  host: string;
  /** 0: any free port. */
  port: number;
}

/** The web server listening; `url` has the real port. */
export class WebServer {
  private closing: Promise<void> | undefined;

  private constructor(
    readonly app: FastifyInstance,
    readonly url: string,
  ) {}

  static async start(options: WebServerOptions): Promise<WebServer> {
    const app = await buildWebApp(options);
    try {
      await app.listen({ host: options.host, port: options.port });
    } catch (error) {
      await app.close().catch(() => undefined);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EADDRINUSE") throw new Error(`port ${options.port} on ${options.host} is in use (another talentbot, or another program); set PORT to a free port, or TALENTBOT_WEB=off`);
      if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw new Error(`HOST=${options.host} is not an address of this machine; use 127.0.0.1 (this machine only) or 0.0.0.0 (every network)`);
      if (code === "EACCES") throw new Error(`port ${options.port} needs privileges; use a port above 1023`);
      throw error;
    }
    const address = app.server.address() as AddressInfo;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    return new WebServer(app, `http://${host}:${address.port}`);
  }

  /** Stops listening and waits for requests in progress. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.app.close();
    return this.closing;
  }
}
