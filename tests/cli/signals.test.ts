import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readEmbeddedLog } from "../../src/log/embedded-store.js";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/bot-harness.js";
import { BIN, cleanEnv, ensureBuilt } from "../helpers/built-cli.js";
import { writeMiniKb } from "../helpers/mini-kb.js";
import { PROJECT_ROOT, useTempDirs } from "../helpers/temp-dirs.js";

// How the bot stops when an operator (or a service manager) tells it to: real processes, a real
// pseudo-terminal (util-linux `script`), the real web server on a free port.
const tempDir = useTempDirs();
const started: ChildProcess[] = [];
const botPids: number[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill("SIGKILL");
  for (const pid of botPids.splice(0)) if (isAlive(pid)) process.kill(pid, "SIGKILL");
});
beforeAll(ensureBuilt, 120_000);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function collect(child: ChildProcess): { out: () => string } {
  let text = "";
  child.stdout?.on("data", (c: Buffer) => (text += c.toString("utf8")));
  child.stderr?.on("data", (c: Buffer) => (text += c.toString("utf8")));
  return { out: () => text };
}

const botPidIn = (text: string): number | undefined => {
  const match = /running \(pid (\d+)\)/.exec(text);
  return match ? Number(match[1]) : undefined;
};

describe("npm start", () => {
  it("passes SIGTERM on to the bot, which stops cleanly and frees its lock and port", async () => {
    const dataDir = await tempDir();
    // `npm start` as a service manager runs it; stdin stays open, so only the signal can stop it.
    const npm = spawn("npm", ["start", "--silent"], {
      cwd: PROJECT_ROOT,
      env: cleanEnv({ TALENTBOT_DATA_DIR: dataDir, TALENTBOT_WEB: "on", PORT: "0" }),
      stdio: ["pipe", "pipe", "pipe"],
    });
    started.push(npm);
    const output = collect(npm);
    // "running (pid …)" follows the web address: wait for both (under load the second came later, and the test went on without a pid).
    await waitFor(() => /web chat http:\/\/127\.0\.0\.1:\d+/.test(output.out()) && botPidIn(output.out()) !== undefined, "the bot to serve the web and say its pid", 30_000);
    const botPid = botPidIn(output.out())!;
    botPids.push(botPid);
    expect(botPid).not.toBe(npm.pid);
    const url = /web chat (http:\/\/127\.0\.0\.1:\d+)/.exec(output.out())![1]!;

    npm.kill("SIGTERM");
    await waitFor(() => !isAlive(botPid), "the bot process to end after SIGTERM to npm", 15_000);
    expect(output.out()).toContain("talentbot: stopping (SIGTERM)");
    expect(output.out()).toContain("talentbot: stopped");
    expect(existsSync(join(dataDir, "questions.json.lock"))).toBe(false);
    expect(existsSync(join(dataDir, "admin.json"))).toBe(false);
    await expect(fetch(`${url}/api/health`)).rejects.toThrow();
  }, 60_000);
});

const hasScript = spawnSync("script", ["--version"]).status === 0;

describe.skipIf(!hasScript)("talentbot start at a terminal", () => {
  it("shows the console prompt only after the start lines, keeps `clear` out of the log, and stops everything at the first Ctrl+C", async () => {
    const knowledgeDir = await writeMiniKb();
    const dataDir = await tempDir();
    const command = [process.execPath, BIN, "start", "--knowledge", knowledgeDir, "--data-dir", dataDir].map((part) => `'${part}'`).join(" ");
    // `script` gives the bot a pseudo-terminal: stdin is a TTY, Ctrl+C reaches readline as a key.
    const terminal = spawn("script", ["-qfec", command, "/dev/null"], {
      env: cleanEnv({ TALENTBOT_WEB: "on", PORT: "0", TERM: "dumb" }),
      stdio: ["pipe", "pipe", "pipe"],
    });
    started.push(terminal);
    const screen = collect(terminal);
    const PROMPT = /\n> /; // at the start of a line ("<any free port> " in the channel list is not it)
    await waitFor(() => PROMPT.test(screen.out()), "the console prompt", 30_000);
    const botPid = botPidIn(screen.out())!;
    botPids.push(botPid);

    const text = screen.out();
    expect(text).toMatch(/console +on +interactive terminal/);
    // Everything the operator must read (the address, the one-time token) comes before the prompt.
    const firstPrompt = PROMPT.exec(text)!.index;
    expect(text.indexOf("web chat http://")).toBeGreaterThan(-1);
    expect(text.indexOf("web chat http://")).toBeLessThan(firstPrompt);
    expect(text.indexOf("staff console token")).toBeLessThan(firstPrompt);
    expect(text.indexOf("您好")).toBeLessThan(firstPrompt); // greeting, then the prompt

    terminal.stdin!.write("clear\r");
    terminal.stdin!.write("明天会下雨吗\r");
    await waitFor(() => screen.out().includes("抱歉，暂时无法回答。"), "the answer");

    terminal.stdin!.write("\u0003"); // one Ctrl+C
    await waitFor(() => !isAlive(botPid), "the whole bot to stop at the first Ctrl+C", 15_000);
    expect(screen.out()).toContain("talentbot: stopping (Ctrl+C)");
    expect(screen.out()).not.toContain("still serving");
    expect(existsSync(join(dataDir, "questions.json.lock"))).toBe(false);
    const log = await readEmbeddedLog(dataDir);
    expect(log.entries.map((e) => e.text)).toEqual(["明天会下雨吗"]);
  }, 60_000);
});
