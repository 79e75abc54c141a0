import { createServer, type IncomingMessage as HttpRequest, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { toStderr } from "../core/report.js";
import { safeEqual } from "../core/secret.js";
import type { GroupStatus } from "../log/types.js";
import type { StaffDesk } from "../staff/desk.js";
import { StaffError, requestFailure } from "../staff/errors.js";
import type { PromoteRequest } from "../staff/promote.js";
import { newToken, removeAdminFile, writeAdminFile } from "./admin-file.js";
import { ADMIN_ACTIONS, MAX_BODY_BYTES, type AdminAction } from "./protocol.js";

export interface AdminServerOptions {
  dataDir: string;
  knowledgeDir: string;
  /** The running bot's desk: works on its own open log. */
  desk: StaffDesk;
  /** The operator's lines (a request that failed unexpectedly). Default: stderr. */
  report?: (line: string) => void;
}

/**
 * The running bot's door for staff commands: HTTP on 127.0.0.1 (a random free port) with a
 * random token, both written to `<dataDir>/admin.json`. `talentbot log reply|promote|dismiss|…`
 * finds the bot through that file and sends the command here, so the bot stays the only
 * process writing the question log.
 */
export class AdminServer {
  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly dataDir: string,
  ) {}

  static async start(options: AdminServerOptions): Promise<AdminServer> {
    const token = newToken();
    const server = createServer((req, res) => void handle(req, res, token, options.desk, options.report ?? toStderr));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}`;
    try {
      await writeAdminFile(options.dataDir, { schemaVersion: 1, pid: process.pid, url, token, knowledgeDir: options.knowledgeDir, startedAt: new Date().toISOString() });
    } catch (error) {
      server.close();
      throw error;
    }
    return new AdminServer(server, url, options.dataDir);
  }

  /** Stops listening and removes admin.json. */
  async close(): Promise<void> {
    await removeAdminFile(this.dataDir).catch(() => undefined);
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

async function handle(req: HttpRequest, res: ServerResponse, token: string, desk: StaffDesk, report: (line: string) => void): Promise<void> {
  try {
    if (!authorised(req, token)) return send(res, 401, { error: "wrong or missing admin token; read it from admin.json in the data directory" });
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method === "GET" && path === "/v1/status") return send(res, 200, { result: { pid: process.pid } });
    const action = path.replace(/^\/v1\//, "");
    if (req.method !== "POST" || !(ADMIN_ACTIONS as readonly string[]).includes(action)) return send(res, 404, { error: `unknown admin request ${req.method ?? ""} ${path}` });
    const body = await readBody(req);
    return send(res, 200, { result: await perform(desk, action as AdminAction, body) });
  } catch (error) {
    const failure = requestFailure(error, "operator");
    if (failure) return send(res, failure.status, failure.body);
    const message = error instanceof Error ? error.message : String(error);
    report(`talentbot: admin request failed: ${message}`);
    return send(res, 500, { error: `the running bot failed to carry out the request: ${message}` });
  }
}

function perform(desk: StaffDesk, action: AdminAction, body: Record<string, unknown>): Promise<unknown> {
  const field = (key: string) => text(body, key, true);
  switch (action) {
    case "list": {
      const status = text(body, "status", false) as GroupStatus | undefined;
      const since = text(body, "since", false);
      return desk.list({ ...(status === undefined ? {} : { status }), ...(since === undefined ? {} : { since }) });
    }
    case "show":
      return desk.show(field("groupId"));
    case "reply":
      return desk.reply(field("groupId"), field("text"));
    case "promote": {
      const request: PromoteRequest = {};
      for (const key of ["faqId", "to", "answer", "question"] as const) {
        const value = text(body, key, false);
        if (value !== undefined) request[key] = value;
      }
      if (body["removeOutOfScope"] === true) request.removeOutOfScope = true;
      return desk.promote(field("groupId"), request);
    }
    case "dismiss":
      return desk.dismiss(field("groupId"), field("reason"));
    case "out-of-scope":
      return desk.outOfScope(field("groupId"), field("subject"));
    case "report":
      return desk.report(field("month"));
  }
}

function text(body: Record<string, unknown>, key: string, required: true): string;
function text(body: Record<string, unknown>, key: string, required: false): string | undefined;
function text(body: Record<string, unknown>, key: string, required: boolean): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) {
    if (required) throw new StaffError(`the admin request lacks "${key}"`);
    return undefined;
  }
  if (typeof value !== "string") throw new StaffError(`"${key}" in the admin request must be text`);
  return value;
}

function authorised(req: HttpRequest, token: string): boolean {
  const header = req.headers.authorization ?? "";
  return safeEqual(header.replace(/^Bearer /, ""), token);
}

async function readBody(req: HttpRequest): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new StaffError(`the admin request is larger than ${MAX_BODY_BYTES} bytes; shorten the text`);
    chunks.push(buffer);
  }
  if (size === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new StaffError("the admin request is not JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new StaffError("the admin request must be a JSON object");
  return value as Record<string, unknown>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(json) });
  res.end(json);
}
