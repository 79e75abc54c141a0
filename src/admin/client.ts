import type { MonthlyReport } from "../log/report.js";
import type { QuestionGroup } from "../log/types.js";
import type { GroupDetails, GroupListFilter, OutOfScopeResult, ReplyResult, StaffDesk } from "../staff/desk.js";
import { StaffError } from "../staff/errors.js";
import type { PromoteRequest, PromoteResult } from "../staff/promote.js";
import type { AdminFile } from "./admin-file.js";
import { AdminError } from "./errors.js";
import type { AdminAction } from "./protocol.js";

/** Promote reloads the knowledge base, which can take a while on a large one. */
const REQUEST_TIMEOUT_MS = 60_000;

/** A StaffDesk that hands every call to the running bot's admin endpoint. */
export class RemoteDesk implements StaffDesk {
  constructor(private readonly admin: AdminFile) {}

  get where(): string {
    return `the running bot (pid ${this.admin.pid})`;
  }

  get knowledgeDir(): string {
    return this.admin.knowledgeDir;
  }

  /** Checks that the bot answers; rejects with AdminError (code ECONNREFUSED when nothing listens). */
  async ping(): Promise<void> {
    await this.request("GET", "/v1/status");
  }

  list(filter: GroupListFilter = {}): Promise<QuestionGroup[]> {
    return this.call("list", { ...filter });
  }
  show(groupId: string): Promise<GroupDetails> {
    return this.call("show", { groupId });
  }
  reply(groupId: string, text: string): Promise<ReplyResult> {
    return this.call("reply", { groupId, text });
  }
  promote(groupId: string, request: PromoteRequest): Promise<PromoteResult> {
    return this.call("promote", { groupId, ...request });
  }
  dismiss(groupId: string, reason: string): Promise<QuestionGroup> {
    return this.call("dismiss", { groupId, reason });
  }
  outOfScope(groupId: string, subject: string): Promise<OutOfScopeResult> {
    return this.call("out-of-scope", { groupId, subject });
  }
  report(month: string): Promise<MonthlyReport> {
    return this.call("report", { month });
  }
  async close(): Promise<void> {}

  private async call<T>(action: AdminAction, body: Record<string, unknown>): Promise<T> {
    return (await this.request("POST", `/v1/${action}`, body)) as T;
  }

  private async request(method: string, path: string, body?: Record<string, unknown>): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.admin.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.admin.token}`, ...(body ? { "content-type": "application/json" } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      const reason = cause instanceof Error ? cause.message : String(cause);
      const adminError = new AdminError(
        `the running bot (pid ${this.admin.pid}) does not answer at ${this.admin.url} (${reason}). If it is stuck, restart it; if it is gone, delete admin.json in the data directory.`,
        { cause },
      );
      throw adminError;
    }
    let payload: { result?: unknown; error?: string };
    try {
      payload = (await response.json()) as { result?: unknown; error?: string };
    } catch (error) {
      throw new AdminError(`the running bot (pid ${this.admin.pid}) sent an unreadable answer (HTTP ${response.status})`, { cause: error });
    }
    if (response.status === 400) throw new StaffError(payload.error ?? "the running bot refused the request");
    if (!response.ok) throw new AdminError(`the running bot (pid ${this.admin.pid}): ${payload.error ?? `HTTP ${response.status}`}`);
    return payload.result;
  }
}

/** True when the failure means nothing listens at the address (a bot that died without cleaning up). */
export function isRefused(error: unknown): boolean {
  return error instanceof AdminError && (error.cause as NodeJS.ErrnoException | undefined)?.code === "ECONNREFUSED";
}
