import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Socket } from "node:net";
// The package's main entry pulls in its test helpers; the server class is all we need.
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";

/** A port that was free a moment ago on 127.0.0.1 (the emulator takes no port 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** telegram-test-api (a Bot API emulator) on 127.0.0.1 at a free port. */
export async function startEmulator(): Promise<TelegramServer> {
  const server = new TelegramServer({ host: "127.0.0.1", port: await freePort(), storeTimeout: 600 });
  await server.start();
  return server;
}

/** What the proxy does with one request instead of passing it on. */
export type Fault = { status: number; body: unknown } | "drop" | "hang";

export const tooManyRequests = (retryAfter: number): Fault => ({
  status: 429,
  body: { ok: false, error_code: 429, description: `Too Many Requests: retry after ${retryAfter}`, parameters: { retry_after: retryAfter } },
});
export const badGateway: Fault = { status: 502, body: "Bad Gateway" };

/**
 * Sits between the bot and the emulator on 127.0.0.1: records every Bot API method called and
 * injects faults on demand (a 429 with retry_after, a 502, a dropped connection, a request that
 * never gets an answer), so retries, backoff and a lost connection can be tested for real.
 */
export class FaultyProxy {
  /** Bot API methods in the order they were called (faulty ones included). */
  readonly calls: string[] = [];
  private readonly faults = new Map<string, Fault[]>();
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly target: string,
    readonly url: string,
  ) {}

  static async start(target: string): Promise<FaultyProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const proxy = new FaultyProxy(server, target, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on("request", (req, res) => proxy.handle(req, res));
    server.on("connection", (socket) => {
      proxy.sockets.add(socket);
      socket.on("close", () => proxy.sockets.delete(socket));
    });
    return proxy;
  }

  /** The next calls of `method` meet these faults, one each, in order. */
  fail(method: string, ...faults: Fault[]): void {
    this.faults.set(method, [...(this.faults.get(method) ?? []), ...faults]);
  }

  count(method: string): number {
    return this.calls.filter((m) => m === method).length;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const method = /\/bot[^/]+\/([A-Za-z]+)/.exec(req.url ?? "")?.[1] ?? "?";
    this.calls.push(method);
    const fault = this.faults.get(method)?.shift();
    if (fault === "drop") return void req.socket.destroy();
    if (fault === "hang") return;
    if (fault) {
      res.writeHead(fault.status, { "content-type": typeof fault.body === "string" ? "text/plain" : "application/json" });
      return void res.end(typeof fault.body === "string" ? fault.body : JSON.stringify(fault.body));
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const upstream = request(
        `${this.target}${req.url ?? ""}`,
        { method: req.method, headers: { "content-type": req.headers["content-type"] ?? "application/json", "content-length": String(body.length) } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, { "content-type": answer.headers["content-type"] ?? "application/json" });
          answer.pipe(res);
        },
      );
      upstream.on("error", () => res.destroy());
      upstream.end(body);
    });
  }
}
