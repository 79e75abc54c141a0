import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
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

  it("with TALENTBOT_TRUST_PROXY=1 trusts only a proxy on this host: forged X-Forwarded-For entries are still locked out", async () => {
    const dataDir = await tempDir();
    const bot = startTalentbot(["start", "--data-dir", dataDir], { env: cleanEnv({ TALENTBOT_WEB: "on", PORT: "0", TALENTBOT_TRUST_PROXY: "1", TALENTBOT_CONSOLE: "off" }) });
    running.push(bot);
    await waitFor(() => /web chat http:\/\/127\.0\.0\.1:\d+/.test(bot.stderr()), "the web server", 20_000);
    const url = /web chat (http:\/\/127\.0\.0\.1:\d+)/.exec(bot.stderr())![1]!;
    const token = /shown only this once\): ([A-Za-z0-9_-]+)/.exec(bot.stderr())![1]!;
    // This test is the proxy (it connects from 127.0.0.1) and appends the client's address last.
    const login = (attempt: string, forged: string, client: string) =>
      fetch(`${url}/api/admin/login`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": `${forged}, ${client}` }, body: JSON.stringify({ token: attempt }) }).then((r) => r.status);
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
      const result = await talentbot(["start", "--data-dir", await tempDir()], { env: cleanEnv({ TALENTBOT_WEB: "on", PORT: String(port) }) });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`the web server could not start: port ${port} on 127.0.0.1 is in use`);
    } finally {
      blocker.close();
    }
  });
});
