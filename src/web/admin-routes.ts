import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { answerRecord } from "../core/answer-record.js";
import { chatCommandOf } from "../core/stages/chat-command.js";
import type { ReloadReport } from "../core/live-engine.js";
import { formatProblemZh } from "../knowledge/errors.js";
import { toCsv } from "../log/csv.js";
import { localDateKey } from "../log/dates.js";
import { monthlyReportRows } from "../log/report.js";
import type { GroupStatus, QuestionGroup } from "../log/types.js";
import { parseLocalDate, type StaffDesk } from "../staff/desk.js";
import { requestFailure } from "../staff/errors.js";
import type { PromoteRequest } from "../staff/promote.js";
import { GROUP_STATUSES, type SkippedPhrasing } from "../staff/types.js";
import { safeEqual, tooMany, type WindowCounter } from "./security.js";
import type { WebRuntime } from "./server.js";
import { StaffSessions, type StaffSession } from "./staff-auth.js";

export const STAFF_COOKIE = "talentbot_staff";
/** The header that carries the session's CSRF token on every state-changing request. */
export const CSRF_HEADER = "x-csrf-token";

export interface AdminRouteOptions {
  token: string;
  runtime: WebRuntime;
  desk: StaffDesk;
  sessions: StaffSessions;
  signInFailures: WindowCounter;
  /** What staff must know about the bot's state (a broken knowledge edit, a data file moved aside), in Chinese. */
  notices: () => string[];
}

const DATE = "^\\d{4}-\\d{2}-\\d{2}$";
const MONTH = "^\\d{4}-(0[1-9]|1[0-2])$";
const GROUP_ID = "^g\\d{1,9}$";
const text = (maxLength: number) => ({ type: "string", maxLength }) as const;

/**
 * The staff console's API under /api/admin. Sign-in with the staff token gives an HttpOnly,
 * SameSite=Strict session cookie and a CSRF token; every other request needs the cookie, and
 * every state-changing one (POST) also the CSRF token in the X-CSRF-Token header. The actions
 * go through the StaffDesk, as `talentbot log …` does.
 */
export function registerAdminRoutes(app: FastifyInstance, options: AdminRouteOptions): void {
  const { sessions, signInFailures, desk } = options;
  const engine = () => options.runtime.live.engine;
  const sessionOf = new WeakMap<FastifyRequest, StaffSession>();

  app.post("/api/admin/login", { schema: { body: { type: "object", required: ["token"], properties: { token: text(512) } } } }, async (request: FastifyRequest<{ Body: { token: string } }>, reply) => {
    reply.header("cache-control", "no-store");
    // Checked before the token: while blocked, even the right token is refused.
    if (signInFailures.blocked(request.ip)) {
      const seconds = signInFailures.retryAfter(request.ip);
      return tooMany(reply, seconds, `口令错误次数过多，请 ${Math.max(1, Math.ceil(seconds / 60))} 分钟后再试`);
    }
    if (!safeEqual(request.body.token, options.token)) {
      signInFailures.take(request.ip);
      return reply.code(401).send({ error: "口令不正确" });
    }
    signInFailures.forget(request.ip);
    const session = sessions.create();
    setSessionCookie(reply, request, session.id, Math.floor(sessions.maxAgeMs / 1000));
    return { csrfToken: session.csrf };
  });

  void app.register(
    async (scope) => {
      scope.addHook("onRequest", async (request, reply) => {
        reply.header("cache-control", "no-store");
        const session = sessions.find(readCookie(request, STAFF_COOKIE));
        if (!session) return reply.code(401).send({ error: "请先登录" });
        if (request.method !== "GET" && request.method !== "HEAD") {
          const given = request.headers[CSRF_HEADER];
          if (!StaffSessions.csrfMatches(session, typeof given === "string" ? given : undefined)) {
            return reply.code(403).send({ error: "缺少或错误的 CSRF 令牌，请刷新页面后重试" });
          }
        }
        sessionOf.set(request, session);
        return undefined;
      });

      scope.setErrorHandler((error, _request, reply) => {
        // Staff read these: the Chinese wording in the console's terms, and whether a confirmation lets it go ahead.
        const failure = requestFailure(error, "staff");
        if (failure) return reply.code(failure.status).send(failure.body);
        throw error;
      });

      scope.get("/session", async (request) => ({ csrfToken: sessionOf.get(request)!.csrf }));

      scope.get("/notices", async () => ({ notices: options.notices() }));

      scope.post("/logout", async (request, reply) => {
        sessions.end(sessionOf.get(request)!.id);
        setSessionCookie(reply, request, "", 0);
        return { ok: true };
      });

      scope.get(
        "/groups",
        {
          schema: {
            querystring: {
              type: "object",
              properties: { status: { type: "string", enum: [...GROUP_STATUSES, "all"] }, since: { type: "string", pattern: DATE }, until: { type: "string", pattern: DATE } },
            },
          },
        },
        async (request: FastifyRequest<{ Querystring: { status?: GroupStatus | "all"; since?: string; until?: string } }>) => {
          const { status, since, until } = request.query;
          let groups = await desk.list({ ...(status && status !== "all" ? { status } : {}), ...(since ? { since } : {}) });
          if (until) {
            const end = parseLocalDate(until, "until");
            end.setDate(end.getDate() + 1);
            groups = groups.filter((g) => g.firstAskedAt < end.toISOString());
          }
          return { groups: groups.map(groupView) };
        },
      );

      scope.get("/groups/:id", { schema: { params: groupParams } }, async (request: FastifyRequest<{ Params: { id: string } }>) => {
        const details = await desk.show(request.params.id);
        return {
          group: groupView(details.group),
          // Who asked stays in the log: the console shows what was asked, where and why.
          entries: details.entries.map(({ id, text: asked, askedAt, channel, reason, candidates, faqId }) => ({ id, text: asked, askedAt, channel, reason, candidates, ...(faqId ? { faqId } : {}) })),
          pending: details.pending.length,
        };
      });

      scope.post(
        "/groups/:id/reply",
        { schema: { params: groupParams, body: { type: "object", required: ["text"], properties: { text: text(4000) } } } },
        async (request: FastifyRequest<{ Params: { id: string }; Body: { text: string } }>) => {
          const result = await desk.reply(request.params.id, request.body.text);
          return { group: groupView(result.group), queued: result.queued.length };
        },
      );

      scope.post(
        "/groups/:id/promote",
        { schema: { params: groupParams, body: { type: "object", properties: { faqId: text(80), to: text(80), question: text(500), answer: text(8000), removeOutOfScope: { type: "boolean" } } } } },
        async (request: FastifyRequest<{ Params: { id: string }; Body: PromoteRequest }>) => {
          const request_: PromoteRequest = {};
          for (const key of ["faqId", "to", "question", "answer"] as const) {
            const value = request.body[key]?.trim();
            if (value) request_[key] = value;
          }
          if (request.body.removeOutOfScope === true) request_.removeOutOfScope = true;
          const result = await desk.promote(request.params.id, request_);
          return {
            faqId: result.faqId,
            created: result.created,
            file: result.file,
            alternates: result.alternates,
            skipped: result.skipped.map(skippedView),
            removedOutOfScope: result.removedOutOfScope,
            group: groupView(result.group),
            reload: reloadView(result.reload),
          };
        },
      );

      scope.post(
        "/groups/:id/dismiss",
        { schema: { params: groupParams, body: { type: "object", required: ["reason"], properties: { reason: text(500) } } } },
        async (request: FastifyRequest<{ Params: { id: string }; Body: { reason: string } }>) => ({ group: groupView(await desk.dismiss(request.params.id, request.body.reason)) }),
      );

      scope.post(
        "/groups/:id/out-of-scope",
        { schema: { params: groupParams, body: { type: "object", required: ["subject"], properties: { subject: text(100) } } } },
        async (request: FastifyRequest<{ Params: { id: string }; Body: { subject: string } }>) => {
          const result = await desk.outOfScope(request.params.id, request.body.subject);
          return {
            subject: result.subject,
            added: result.added,
            skipped: result.skipped.map(skippedView),
            group: groupView(result.group),
            reload: reloadView(result.reload),
          };
        },
      );

      scope.get("/dashboard", { schema: { querystring: monthQuery } }, async (request: FastifyRequest<{ Querystring: { month?: string } }>) => {
        const report = await desk.report(request.query.month ?? currentMonth());
        const { total } = report;
        const policy = total.answered + total.suggested + total.excerpt + total.unanswered;
        const rate = (n: number) => (policy === 0 ? null : n / policy);
        return {
          ...report,
          rates: { answered: rate(total.answered), suggested: rate(total.suggested), logged: rate(total.excerpt + total.unanswered) },
          topFaqs: report.topFaqs.map((f) => ({ ...f, question: engine().faq(f.faqId)?.question ?? null })),
        };
      });

      // The eligibility check's counts since they were first kept: how often each benefit was decided and applied.
      scope.get("/eligibility", async () => {
        const counts = await options.runtime.bot.services.eligibility.snapshot();
        const rules = engine().kb.eligibility;
        const benefits = (rules?.benefits ?? []).map((b) => ({ id: b.id, title: b.title, source: b.source, ...(counts.benefits[b.id] ?? { checked: 0, applies: 0 }) }));
        return { enabled: rules !== undefined, checks: counts.checks, benefits };
      });

      scope.get("/report.csv", { schema: { querystring: monthQuery } }, async (request: FastifyRequest<{ Querystring: { month?: string } }>, reply: FastifyReply) => {
        const month = request.query.month ?? currentMonth();
        const csv = toCsv(monthlyReportRows(await desk.report(month)));
        return reply.type("text/csv; charset=utf-8").header("content-disposition", `attachment; filename="talentbot-${month}.csv"`).send(csv);
      });

      scope.get("/faqs", async () => {
        const hits = await options.runtime.log.faqHits();
        const faqs = engine()
          .kb.faqs.map((f) => ({ id: f.id, question: f.question, alternates: f.alternates.length, hits: hits[f.id] ?? 0, source: f.source ?? null, updated: f.updated ?? null, file: f.file }))
          .sort((a, b) => b.hits - a.hits || a.id.localeCompare(b.id));
        const model = engine().options.model;
        // When and on what the answering model was fitted (knowledge/model.json), for the 知识库 tab.
        const answerModel = model && "kind" in model.decision.answerModel ? "trees" : "logistic";
        return { faqs, model: model ? { fittedAt: model.fittedAt, fittedOn: model.fittedOn, figures: model.figures, answerModel } : null };
      });

      // The web face of `talentbot ask`: the engine's view of a question, never logged or counted.
      scope.post("/hit-test", { schema: { body: { type: "object", required: ["text"], properties: { text: text(2000) } } } }, async (request: FastifyRequest<{ Body: { text: string } }>) => {
        // The chat would not look for an answer to a command (人工, 菜单 …): say so beside the engine's view.
        const command = chatCommandOf(request.body.text, engine().kb.eligibility?.triggers);
        return { ...answerRecord(await engine().ask(request.body.text)), ...(command ? { chatCommand: command } : {}) };
      });
    },
    { prefix: "/api/admin" },
  );

  function groupView(group: QuestionGroup) {
    const { matchKeys: _internal, ...view } = group;
    return { ...view, bestGuesses: group.bestGuesses.map((g) => ({ ...g, question: engine().faq(g.faqId)?.question ?? null })) };
  }
}

/** A skipped phrasing as staff read it: the console's Chinese reason. */
const skippedView = ({ text: phrasing, staffWhy }: SkippedPhrasing) => ({ text: phrasing, why: staffWhy });

/** A reload after a staff edit, in the console's words: how many FAQs answer now, or why the previous version keeps answering. */
function reloadView(reload: ReloadReport | undefined) {
  if (reload === undefined) return undefined;
  if (reload.ok) return { ok: true, faqs: reload.faqs };
  const message =
    reload.problems.length > 0 ? `知识库有 ${reload.problems.length} 个问题，没有重新加载，机器人仍按之前的版本回答` : `知识库无法读取（${reload.message}），没有重新加载，机器人仍按之前的版本回答`;
  return { ok: false, message, problems: reload.problems.map(formatProblemZh) };
}

const groupParams = { type: "object", properties: { id: { type: "string", pattern: GROUP_ID } } } as const;
const monthQuery = { type: "object", properties: { month: { type: "string", pattern: MONTH } } } as const;

function currentMonth(): string {
  return localDateKey(new Date()).slice(0, 7);
}

function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function setSessionCookie(reply: FastifyReply, request: FastifyRequest, value: string, maxAgeSeconds: number): void {
  const secure = request.protocol === "https" ? "; Secure" : "";
  reply.header("set-cookie", `${STAFF_COOKIE}=${value}; Path=/api/admin; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`);
}
