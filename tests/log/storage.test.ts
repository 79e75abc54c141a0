import { spawnSync } from "node:child_process";
import { chmod, mkdir, readFile, readdir, rm, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { QuestionLogError } from "../../src/log/errors.js";
import { QuestionLog } from "../../src/log/question-log.js";
import { readEmbeddedLog } from "../../src/log/embedded-store.js";
import type { QuestionToRecord } from "../../src/log/types.js";
import { useTempDirs } from "./helpers.js";

const tempDir = useTempDirs();

const question: QuestionToRecord = {
  text: "博士安家费怎么申请",
  normalized: "博士安家费怎么申请",
  channel: "web",
  reason: "unanswered",
  candidates: [],
};

async function corruptCopies(dataDir: string): Promise<string[]> {
  return (await readdir(dataDir)).filter((name) => name.startsWith("questions.json.corrupt-")).sort();
}

/** Opens a log over an existing file and checks that the file was moved aside unchanged. */
async function expectMovedAside(content: string, warningPattern: RegExp): Promise<void> {
  const dataDir = await tempDir();
  await writeFile(join(dataDir, "questions.json"), content);
  const log = await QuestionLog.open({ retentionDays: 180, dataDir });
  expect(log.warnings).toHaveLength(1);
  expect(log.warnings[0]).toMatch(warningPattern);
  expect(log.warnings[0]).toContain(join(dataDir, "questions.json.corrupt-"));

  const copies = await corruptCopies(dataDir);
  expect(copies).toHaveLength(1);
  expect(await readFile(join(dataDir, copies[0]!), "utf8")).toBe(content);
  expect((await stat(join(dataDir, copies[0]!))).mode & 0o777).toBe(0o600);

  // A fresh log works and is written to the normal file.
  await log.record(question);
  await log.close();
  const state = JSON.parse(await readFile(join(dataDir, "questions.json"), "utf8")) as { schemaVersion: number };
  expect(state.schemaVersion).toBe(2);
  const fresh = await readEmbeddedLog(dataDir);
  expect(fresh.entries.map((entry) => entry.text)).toEqual(["博士安家费怎么申请"]);
}

describe("JsonFileStorage: unreadable files", () => {
  it("creates a new file in a new directory", async () => {
    const dataDir = join(await tempDir(), "nested", "data");
    const log = await QuestionLog.open({ retentionDays: 180, dataDir });
    expect(log.warnings).toEqual([]);
    await log.close();
    const created = JSON.parse(await readFile(join(dataDir, "questions.json"), "utf8")) as unknown;
    expect(created).toMatchObject({ schemaVersion: 2, groups: [], outbox: [], counters: {}, nextId: { entry: 1, group: 1, message: 1 } });
    expect(await readdir(join(dataDir, "questions"))).toEqual([]);
  });

  it("moves broken JSON aside byte for byte and starts fresh", async () => {
    await expectMovedAside('{"schemaVersion": 1, "entries": [{"id": "q1", "text": "半截', /not valid JSON/);
  });

  it("moves an empty file aside", async () => {
    await expectMovedAside("", /not valid JSON/);
  });

  it("moves a file without schemaVersion aside", async () => {
    await expectMovedAside('{"entries": []}\n', /schemaVersion is missing/);
  });

  it("moves a file from a newer talentbot aside", async () => {
    await expectMovedAside(JSON.stringify({ schemaVersion: 3, groups: [], outbox: [], counters: {}, nextId: { entry: 1, group: 1, message: 1 } }), /schemaVersion 3 was written by a newer talentbot/);
  });

  it("moves a file with a wrong shape aside", async () => {
    await expectMovedAside('{"schemaVersion": 1, "entries": {}}', /"entries" is not a list/);
  });

  it("never overwrites an earlier corrupt copy", async () => {
    const dataDir = await tempDir();
    const now = () => new Date("2024-03-01T00:00:00Z");
    for (const content of ["first broken", "second broken"]) {
      await writeFile(join(dataDir, "questions.json"), content);
      const log = await QuestionLog.open({ retentionDays: 180, dataDir, now });
      await log.close();
    }
    const copies = await corruptCopies(dataDir);
    expect(copies).toHaveLength(2);
    const contents = await Promise.all(copies.map((name) => readFile(join(dataDir, name), "utf8")));
    expect(contents.sort()).toEqual(["first broken", "second broken"]);
  });
});

describe("JsonFileStorage: one writer per file", () => {
  it("refuses a second open of the same directory while the first is open, and allows it after close", async () => {
    const dataDir = await tempDir();
    const first = await QuestionLog.open({ retentionDays: 180, dataDir });
    const lockFile = join(dataDir, "questions.json.lock");
    expect((await readFile(lockFile, "utf8")).trim()).toBe(String(process.pid));

    const second = QuestionLog.open({ retentionDays: 180, dataDir });
    await expect(second).rejects.toBeInstanceOf(QuestionLogError);
    await expect(second).rejects.toThrow(`question log: another talentbot process (pid ${process.pid}) is using ${join(dataDir, "questions.json")}; stop it or use --data-dir.`);
    await first.record(question); // the first one is not disturbed

    await first.close();
    await expect(readFile(lockFile)).rejects.toMatchObject({ code: "ENOENT" });
    const third = await QuestionLog.open({ retentionDays: 180, dataDir });
    expect((await third.listGroups())[0]?.count).toBe(1);
    await third.close();
  });

  it("takes over a stale lock left by a dead process", async () => {
    const dataDir = await tempDir();
    const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    const deadPid = Number(child.stdout);
    expect(deadPid).toBeGreaterThan(0);
    await writeFile(join(dataDir, "questions.json.lock"), `${deadPid}\n`);

    const log = await QuestionLog.open({ retentionDays: 180, dataDir });
    expect((await readFile(join(dataDir, "questions.json.lock"), "utf8")).trim()).toBe(String(process.pid));
    await log.record(question);
    await log.close();
  });

  it("takes over an empty lock file (crash while creating it)", async () => {
    const dataDir = await tempDir();
    await writeFile(join(dataDir, "questions.json.lock"), "");
    const log = await QuestionLog.open({ retentionDays: 180, dataDir });
    await log.close();
  });
});

describe("JsonFileStorage: unwritable places", () => {
  it("fails to open with a clear QuestionLogError when the data directory cannot be created", async () => {
    const base = await tempDir();
    const aFile = join(base, "not-a-directory");
    await writeFile(aFile, "x");
    const dataDir = join(aFile, "data"); // fails even for root: the parent is a file

    const opening = QuestionLog.open({ retentionDays: 180, dataDir });
    await expect(opening).rejects.toBeInstanceOf(QuestionLogError);
    await expect(opening).rejects.toThrow(`question log: cannot create the data directory ${dataDir} (ENOTDIR).`);
    await expect(opening).rejects.toThrow(/--data-dir/);
    await expect(opening).rejects.toMatchObject({ code: "ENOTDIR", cause: expect.objectContaining({ code: "ENOTDIR" }) });
  });

  it("rejects record with a disk-full QuestionLogError, then recovers and keeps the question", async () => {
    const dataDir = await tempDir();
    let now = new Date("2024-03-01T09:00:00Z");
    const log = await QuestionLog.open({ retentionDays: 180, dataDir, now: () => now });
    await log.record(question);
    // A question is one line appended to its month's entries file; pointing April's at /dev/full gives a real ENOSPC.
    const april = join(dataDir, "questions", "2024-04.entries.jsonl");
    await symlink("/dev/full", april);
    now = new Date("2024-04-01T09:00:00Z");

    const failed = log.record({ ...question, text: "人才公寓怎么申请", normalized: "人才公寓怎么申请" });
    await expect(failed).rejects.toBeInstanceOf(QuestionLogError);
    await expect(failed).rejects.toThrow(`question log: cannot append to ${april} (ENOSPC). The disk is full`);

    await rm(april);
    await log.record({ ...question, text: "子女入学需要什么材料", normalized: "子女入学需要什么材料" });
    await log.close();
    const saved = await readEmbeddedLog(dataDir);
    // The question whose save failed went out with the next successful write.
    expect(saved.entries.map((entry) => entry.text)).toEqual(["博士安家费怎么申请", "人才公寓怎么申请", "子女入学需要什么材料"]);
  });

  it("fails to write when the directory was replaced by a file", async () => {
    const base = await tempDir();
    const dataDir = join(base, "data");
    await mkdir(dataDir);
    const log = await QuestionLog.open({ retentionDays: 180, dataDir });
    await rm(dataDir, { recursive: true });
    await writeFile(dataDir, "now a file");
    await expect(log.count("answered", "faq-1")).rejects.toThrow(/question log: cannot append to .*journal-\d+\.jsonl \(ENOTDIR\)/);
    await expect(log.close()).rejects.toBeInstanceOf(QuestionLogError); // close still tries to save, and says so
  });
});

describe("JsonFileStorage: file modes and leftovers", () => {
  const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

  it("keeps the data directory 0700 and the log 0600, from the first write on", async () => {
    const dataDir = join(await tempDir(), "fresh-data");
    const log = await QuestionLog.open({ retentionDays: 180, dataDir });
    expect(await modeOf(dataDir)).toBe(0o700);
    expect(await modeOf(join(dataDir, "questions.json"))).toBe(0o600);
    expect(await modeOf(join(dataDir, "questions.json.lock"))).toBe(0o600);
    await log.record(question);
    expect(await modeOf(join(dataDir, "questions.json"))).toBe(0o600);
    await log.close();
  });

  it("narrows a directory and a log made by an older version (0755 / 0644)", async () => {
    const dataDir = await tempDir();
    await chmod(dataDir, 0o755);
    await writeFile(join(dataDir, "questions.json"), JSON.stringify({ schemaVersion: 1, entries: [], groups: [], outbox: [], counters: {}, nextId: { entry: 1, group: 1, message: 1 } }), {
      mode: 0o644,
    });
    await chmod(join(dataDir, "questions.json"), 0o644);
    const log = await QuestionLog.open({ retentionDays: 180, dataDir });
    // The only thing said is the conversion to the monthly layout; the kept copy is private too.
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toContain("was converted to the monthly layout");
    expect(await modeOf(dataDir)).toBe(0o700);
    expect(await modeOf(join(dataDir, "questions.json"))).toBe(0o600);
    for (const name of await readdir(dataDir)) if (name.startsWith("questions.json.v1-")) expect(await modeOf(join(dataDir, name)), name).toBe(0o600);
    await log.close();
  });

  it("removes a partial temp file left by a process killed mid-write, and keeps the log", async () => {
    const dataDir = await tempDir();
    const first = await QuestionLog.open({ retentionDays: 180, dataDir });
    await first.record(question);
    await first.close();
    const temp = join(dataDir, ".questions.json.tmp");
    await writeFile(temp, '{"schemaVersion": 1, "entries": [{"id": "q', { mode: 0o644 });
    const log = await QuestionLog.open({ retentionDays: 180, dataDir });
    expect(log.warnings).toEqual([]);
    expect(await readdir(dataDir)).not.toContain(".questions.json.tmp");
    expect((await log.listGroups()).map((g) => g.representative)).toEqual(["博士安家费怎么申请"]);
    await log.close();
  });
});
