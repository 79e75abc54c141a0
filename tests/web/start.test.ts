import { existsSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ChatHistory } from "../../src/web/chat-history.js";
import { waitFor } from "../helpers/bot-harness.js";
import { cleanEnv, ensureBuilt, startTalentbot, talentbot, type RunningCli } from "../helpers/built-cli.js";
import { useTempDirs } from "../helpers/temp-dirs.js";

// `talentbot start` as a user runs it (bin/talentbot.js in a child process), web on as by default.
const tempDir = useTempDirs();
const running: RunningCli[] = [];
afterEach(() => {
  for (const bot of running.splice(0)) bot.child.kill("SIGKILL");
});
beforeAll(ensureBuilt, 120_000);

/** POSTs JSON from a given local address (127.0.0.x: each its own client for the rate limits); resolves with the status. */
function postFrom(localAddress: string, url: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: "POST", localAddress, headers: { "content-type": "application/json" } }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
    });
    request.on("error", reject);
    request.end(JSON.stringify(body));
  });
}

describe("talentbot start with the web on (the default)", () => {
  it("serves the chat page and the console, prints the URL and the generated token once, keeps running after the console's input ends, and stops on SIGTERM", async () => {
    const dataDir = await tempDir();
    // PORT=0: any free port (the default is 3000), everything else as `npm start` with no settings.
    const bot = startTalentbot(["start", "--data-dir", dataDir], { env: cleanEnv({ TALENTBOT_WEB: "on", PORT: "0" }) });
    running.push(bot);
    bot.child.stdin!.end(); // like stdin from /dev/null under a service manager
    await waitFor(() => /still serving/.test(bot.stderr()), "the console to end while the web goes on", 20_000);
    expect(bot.stderr()).toMatch(/web +on +http:\/\/127\.0\.0\.1:<any free port> — chat page \/, staff console \/admin/);
    const url = /web chat (http:\/\/127\.0\.0\.1:\d+)\/ — staff console http:\/\/127\.0\.0\.1:\d+\/admin/.exec(bot.stderr())![1]!;
    const token = /staff console token \(generated now, stored in .*staff-token; shown only this once\): ([A-Za-z0-9_-]+)/.exec(bot.stderr())![1]!;
    expect(existsSync(join(dataDir, "staff-token"))).toBe(true);
    // "running" is said once the web server listens: a request sent after reading it is served.
    expect(bot.stderr().indexOf("talentbot: running (pid")).toBeGreaterThan(bot.stderr().indexOf("web chat http"));

    const health = await fetch(`${url}/api/health`);
    expect(health.status).toBe(200);
    expect(await (await fetch(`${url}/`)).text()).toContain("/assets/chat.js");
    const login = await fetch(`${url}/api/admin/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token }) });
    expect(login.status).toBe(200);
    const reply = await fetch(`${url}/api/chat`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sessionId: "startTestSession_0123", text: "你好" }) });
    expect(reply.status).toBe(200);
    expect(bot.child.exitCode).toBeNull(); // still running although stdin ended

    bot.child.kill("SIGTERM");
    expect(await bot.exited).toBe(0);
    expect(bot.stderr()).toContain("talentbot: stopped");
    expect(existsSync(join(dataDir, "questions.json.lock"))).toBe(false);
    expect(existsSync(join(dataDir, "web-chat.json"))).toBe(true);

    // The second start reads the stored token and does not print it.
    const again = startTalentbot(["start", "--data-dir", dataDir], { env: cleanEnv({ TALENTBOT_WEB: "on", PORT: "0" }) });
    running.push(again);
    await waitFor(() => again.stderr().includes("staff console token: in"), "the second start", 20_000);
    expect(again.stderr()).not.toContain(token);
    again.child.kill("SIGTERM");
    expect(await again.exited).toBe(0);
  });

  it("keeps every web exchange it answered when killed with SIGKILL mid-burst", async () => {
    const dataDir = await tempDir();
    const bot = startTalentbot(["start", "--data-dir", dataDir], { env: cleanEnv({ TALENTBOT_WEB: "on", PORT: "0", TALENTBOT_CONSOLE: "off" }) });
    running.push(bot);
    await waitFor(() => /web chat http:\/\/127\.0\.0\.1:\d+/.test(bot.stderr()), "the web server", 20_000);
    const url = /web chat (http:\/\/127\.0\.0\.1:\d+)/.exec(bot.stderr())![1]!;
    // 16 askers at once, each from an address of its own (the chat limit is per address) and a
    // session per 8 questions (the bot's rate limit is per sender); the kill lands mid-burst.
    const answered: [string, string][] = [];
    let next = 0;
    const ask = async (worker: number): Promise<void> => {
      for (;;) {
        const n = next++;
        if (n >= 800 || answered.length >= 150) return;
        const sessionId = `killSession_${String(Math.floor(n / 8)).padStart(4, "0")}_abcdefgh`;
        const text = `人才公寓怎么申请（${n}）`;
        const status = await postFrom(`127.0.0.${worker + 2}`, `${url}/api/chat`, { sessionId, text });
        if (status === 200) answered.push([sessionId, text]);
        if (answered.length === 150) bot.child.kill("SIGKILL");
      }
    };
    await Promise.all(Array.from({ length: 16 }, (_, worker) => ask(worker).catch(() => undefined))); // requests after the kill fail
    bot.child.kill("SIGKILL");
    expect(await bot.exited).toBeNull(); // killed by the signal
    expect(answered.length).toBeGreaterThanOrEqual(150);

    const history = await ChatHistory.open({ file: join(dataDir, "web-chat.json") });
    const missing = answered.filter(([sessionId, text]) => !history.since(sessionId).some((item) => item.from === "user" && item.text === text));
    expect(missing).toEqual([]);
    expect(history.warnings).toEqual([]);
    await history.close();
  });

  it("with TALENTBOT_TRUST_PROXY=1 trusts only a proxy on this host: forged X-Forwarded-For entries are still locked out", async () => {
    const dataDir = await tempDir();
    const bot = startTalentbot(["start", "--data-dir", dataDir], { env: cleanEnv({ TALENTBOT_WEB: "on", PORT: "0", TALENTBOT_TRUST_PROXY: "1", TALENTBOT_CONSOLE: "off" }) });
    running.push(bot);
    await waitFor(() => /web chat http:\/\/127\.0\.0\.1:\d+/.test(bot.stderr()), "the web server", 20_000);
    const url = /web chat (http:\/\/127\.0\.0\.1:\d+)/.exec(bot.stderr())![1]!;
    const token = /shown only this once\): ([A-Za-z0-9_-]+)/.exec(bot.stderr())![1]!;
    // This test is the proxy (it connects from 127.0.0.1) and appends the client's address last.
    const login = (attempt: string, forged: string, client: string) =>
      fetch(`${url}/api/admin/login`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": `${forged}, ${client}` }, body: JSON.stringify({ token: attempt }) }).then(
        (r) => r.status,
      );
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push(await login(`guess-${i}`, `198.51.100.${i}`, "203.0.113.7"));
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
    expect(await login(token, "198.51.100.77", "203.0.113.8")).toBe(200); // a colleague behind the same proxy
    bot.child.kill("SIGTERM");
    expect(await bot.exited).toBe(0);
  });

  it("refuses a hop count in TALENTBOT_TRUST_PROXY and says what to write", async () => {
    const result = await talentbot(["start", "--data-dir", await tempDir()], { env: cleanEnv({ TALENTBOT_WEB: "on", PORT: "0", TALENTBOT_TRUST_PROXY: "2", TALENTBOT_CONSOLE: "off" }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("a number of proxy hops is not supported; name the proxy instead");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("says clearly when the port is taken, and exits with code 1", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const dataDir = await tempDir();
      const result = await talentbot(["start", "--data-dir", dataDir], { env: cleanEnv({ TALENTBOT_WEB: "on", PORT: String(port) }) });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`the web server could not start: port ${port} on 127.0.0.1 is in use`);
      // The staff token generated for it was never shown: not kept, so the next start generates and prints one.
      expect(existsSync(join(dataDir, "staff-token"))).toBe(false);
    } finally {
      blocker.close();
    }
  });
});
