import { execFile, spawn } from "node:child_process";
import { watch } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QuestionLog } from "../../src/log/question-log.js";
import { EmbeddedStore, readEmbeddedLog } from "../../src/log/embedded-store.js";
import type { QuestionToRecord } from "../../src/log/types.js";
import { useTempDirs } from "./helpers.js";

const tempDir = useTempDirs();
const projectRoot = fileURLToPath(new URL("../../", import.meta.url));
const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));

function numbered(n: number): QuestionToRecord {
  // Distinct topics so that grouping does real work, repeated so groups form.
  const topics = ["博士安家费怎么申请", "子女入学需要什么材料", "人才公寓租金标准", "硕士生活补贴发放时间"];
  const topic = topics[n % topics.length]!;
  return { text: `${topic}（${n}）`, normalized: topic, channel: "web", conversationId: `c${n}`, reason: "unanswered", candidates: [] };
}

describe("QuestionLog under load", () => {
  it("stores all of 1,000 concurrent record calls, visible after reopening", async () => {
    const dataDir = await tempDir();
    const log = await QuestionLog.open({ retentionDays: 180, dataDir });
    const started = performance.now();
    const entries = await Promise.all(Array.from({ length: 1000 }, (_, n) => log.record(numbered(n))));
    const elapsed = performance.now() - started;
    await log.close();

    expect(new Set(entries.map((entry) => entry.id)).size).toBe(1000);
    expect(elapsed).toBeLessThan(5000); // coalesced writes; one write per call would take far longer

    const saved = await readEmbeddedLog(dataDir);
    expect(saved.entries).toHaveLength(1000);
    expect(new Set(saved.entries.map((entry) => entry.text))).toEqual(new Set(entries.map((entry) => entry.text)));
    expect(saved.groups.map((group) => group.count)).toEqual([250, 250, 250, 250]);

    const reopened = await QuestionLog.open({ retentionDays: 180, dataDir });
    expect((await reopened.listGroups()).reduce((sum, group) => sum + group.count, 0)).toBe(1000);
    await reopened.close();
  });

  it("coalesces a burst into a handful of writes, in order", async () => {
    const dataDir = await tempDir();
    const storage = await EmbeddedStore.open(dataDir);
    const log = await QuestionLog.open({ retentionDays: 180, storage });
    const writesBefore = storage.stateWrites;
    await Promise.all(Array.from({ length: 1000 }, (_, n) => log.record(numbered(n))));
    expect(storage.stateWrites - writesBefore).toBeLessThanOrEqual(2);
    await log.close();
    expect((await readEmbeddedLog(dataDir)).entries.map((entry) => entry.id)).toEqual(Array.from({ length: 1000 }, (_, n) => `q${n + 1}`));
    await log.close();
  });
});

describe("QuestionLog killed with SIGKILL mid-burst", () => {
  let compiledDir = "";

  beforeAll(async () => {
    // The child runs plain node, so it needs src/log compiled; only src/log, so others' unfinished code cannot break this.
    // Inside node_modules so that the compiled files resolve lowdb from the project.
    const cacheDir = join(projectRoot, "node_modules", ".cache");
    await mkdir(cacheDir, { recursive: true });
    compiledDir = await mkdtemp(join(cacheDir, "talentbot-log-test-"));
    await promisify(execFile)(process.execPath, [join(projectRoot, "node_modules/typescript/bin/tsc"), "-p", join(fixtures, "tsconfig.log-only.json"), "--outDir", compiledDir], { cwd: projectRoot });
  });

  afterAll(async () => {
    if (compiledDir !== "") await rm(compiledDir, { recursive: true, force: true });
  });

  it("leaves valid JSON holding every acknowledged question, and the next open takes over its lock", async () => {
    const dataDir = await tempDir();
    const child = spawn(process.execPath, [join(fixtures, "record-burst.mjs"), compiledDir, dataDir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on("exit", (code, signal) => resolve(signal ?? code)));

    // After 300 acknowledgements, kill on the next change in the directory: the start of a
    // write (steno's temp file; a non-atomic writer would truncate questions.json right there).
    // The timer is a fallback in case the file system reports no events.
    let armed = false;
    const kill = (): void => {
      if (armed) child.kill("SIGKILL");
    };
    const watcher = watch(dataDir, (_event, name) => {
      if (name !== "questions.json.lock") kill();
    });
    const acknowledged: string[] = [];
    try {
      for await (const line of createInterface({ input: child.stdout })) {
        acknowledged.push(line);
        if (acknowledged.length === 300) {
          armed = true;
          setTimeout(kill, 200);
        }
      }
    } finally {
      watcher.close();
    }
    // Wait for the exit: until the child is reaped its pid still counts as running.
    expect(await exited).toBe("SIGKILL");
    expect(stderr).toBe("");
    expect(acknowledged.length).toBeGreaterThanOrEqual(300);

    JSON.parse(await readFile(join(dataDir, "questions.json"), "utf8")); // throws if the kill left half a file
    const saved = await readEmbeddedLog(dataDir);
    const savedIds = new Set(saved.entries.map((entry) => entry.id));
    const missing = acknowledged.filter((id) => !savedIds.has(id));
    expect(missing).toEqual([]);
    expect(saved.entries.length).toBeGreaterThanOrEqual(acknowledged.length);

    // The killed child left its lock behind; its pid is dead, so opening works.
    const left = await readdir(dataDir);
    expect(left).toContain("questions.json.lock");
    // Usually the kill lands mid-write and steno's temp file is left behind; it is harmless.
    expect(left.filter((name) => !name.startsWith(".questions.json.tmp"))).toEqual(["questions", "questions.json", "questions.json.lock"]);
    const reopened = await QuestionLog.open({ retentionDays: 180, dataDir });
    expect(reopened.warnings.filter((w) => !/cut-off line/.test(w))).toEqual([]);
    expect((await reopened.listGroups()).reduce((sum, group) => sum + group.count, 0)).toBe(saved.entries.length);
    await reopened.close();
  });
});
