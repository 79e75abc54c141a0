import { chmod, mkdir, readFile, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ChatHistory } from "../../src/web/chat-history.js";
import { useTempDirs } from "../helpers/temp-dirs.js";

const tempDir = useTempDirs();
const SESSION = "historySession_0123456789";

describe("ChatHistory: a file it cannot use", () => {
  it("moves a corrupt web-chat.json aside unchanged, says so, and never overwrites it", async () => {
    const dir = await tempDir();
    const file = join(dir, "web-chat.json");
    const corrupt = '{"version":1,"sessions":{"abc":{"items":[{"seq":1,"from":"staff","text":"工作人员的答复';
    await writeFile(file, corrupt, { mode: 0o644 });
    await chmod(file, 0o644); // as an older version left it
    const reports: string[] = [];
    const history = await ChatHistory.open({ file, report: (line) => reports.push(line), now: () => new Date("2024-03-01T09:00:00Z") });

    const aside = (await readdir(dir)).filter((name) => name.startsWith("web-chat.json.corrupt-"));
    expect(aside).toEqual(["web-chat.json.corrupt-2024-03-01T09-00-00-000Z"]);
    expect(await readFile(join(dir, aside[0]!), "utf8")).toBe(corrupt);
    expect((await stat(join(dir, aside[0]!))).mode & 0o777).toBe(0o600);
    expect(history.warnings).toEqual([{ file, movedTo: join(dir, aside[0]!) }]);
    expect(reports.join("\n")).toContain(`moved unchanged to ${join(dir, aside[0]!)}`);

    await history.exchange(SESSION, "新的问题", [{ text: "回答" }]);
    await history.close();
    expect(JSON.parse(await readFile(file, "utf8"))).toMatchObject({ version: 1 });
    expect(await readFile(join(dir, aside[0]!), "utf8")).toBe(corrupt); // still there, untouched
  });

  it("shows a staff reply to a page that still holds the seqs of a history moved aside (it polls after its last one)", async () => {
    const dir = await tempDir();
    const file = join(dir, "web-chat.json");
    let now = new Date("2024-03-01T09:00:00Z");
    const first = await ChatHistory.open({ file, now: () => now });
    // A quick conversation (buttons): 40 items within its first second, then a crash and a restart a second later.
    for (let i = 0; i < 20; i++) await first.exchange(SESSION, `问题${i}`, [{ text: "回答" }]);
    const pageLastSeq = Math.max(...first.since(SESSION).map((item) => item.seq));
    await first.close();
    await writeFile(file, '{"version":1,"sessions":{'); // corrupt: moved aside at the next start
    now = new Date("2024-03-01T09:00:01Z");
    const second = await ChatHistory.open({ file, now: () => now });
    expect(second.warnings).toHaveLength(1);
    await second.deliver(SESSION, { text: "工作人员的答复" });
    await second.exchange(SESSION, "新的问题", [{ text: "新的回答" }]);
    expect(second.since(SESSION, pageLastSeq).map((item) => item.text)).toEqual(["工作人员的答复", "新的问题", "新的回答"]);
    await second.close();
  });

  it("leaves a file it cannot read alone and keeps conversations in memory only", async () => {
    const dir = await tempDir();
    const file = join(dir, "web-chat.json");
    // A directory in its place: unreadable as a file for every user, root included (unlike mode 000).
    await mkdir(file);
    const history = await ChatHistory.open({ file });
    expect(history.warnings).toEqual([{ file, movedTo: null }]);
    await history.exchange(SESSION, "问题", [{ text: "回答" }]);
    await history.close();
    expect((await stat(file)).isDirectory()).toBe(true);
    expect(await readdir(dir)).toEqual(["web-chat.json"]);
    expect(history.since(SESSION).map((m) => m.text)).toEqual(["问题", "回答"]);
  });

  it("removes the temp file of a process killed mid-write, and no other", async () => {
    const dir = await tempDir();
    const file = join(dir, "web-chat.json");
    const gonePid = 2 ** 22 + 13; // above Linux's pid_max default: no such process
    await writeFile(join(dir, `web-chat.json.${gonePid}.tmp`), '{"version":1,"sess');
    await writeFile(join(dir, `web-chat.json.${process.ppid}.tmp`), "a live process's write in progress");
    const history = await ChatHistory.open({ file });
    expect(history.warnings).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual([`web-chat.json.${process.ppid}.tmp`]);
    await history.close();
  });

  it("masks a mistyped card number named as such before it reaches the file", async () => {
    const dir = await tempDir();
    const file = join(dir, "web-chat.json");
    const history = await ChatHistory.open({ file });
    await history.exchange(SESSION, "银行卡号6222020200112233445，补贴没到账", [{ text: "请联系工作人员" }]);
    await history.close();
    const saved = await readFile(file, "utf8");
    expect(saved).not.toContain("6222020200112233445");
    expect(saved).toContain("银行卡号6222***********3445");
  });
});

describe("ChatHistory: exchanges it must not keep", () => {
  it("returns an exchange with an `unsaved` reply (the eligibility check) to the page but stores none of it", async () => {
    const dir = await tempDir();
    const file = join(dir, "web-chat.json");
    const history = await ChatHistory.open({ file });
    const kept = await history.exchange(SESSION, "你好", [{ text: "您好" }]);
    const items = await history.exchange(SESSION, "40", [{ text: "第 3 题：您在本市有自有住房吗？", choices: [{ label: "是", faqId: "eligibility" }], unsaved: true }]);
    expect(items.map((i) => [i.from, i.text])).toEqual([
      ["user", "40"],
      ["bot", "第 3 题：您在本市有自有住房吗？"],
    ]);
    expect(items.every((i) => i.seq < 0)).toBe(true);
    expect(items[1]!.choices).toEqual([{ label: "是", faqId: "eligibility" }]);
    expect(history.since(SESSION).map((i) => i.seq)).toEqual(kept.map((i) => i.seq));
    await history.close();
    const onDisk = await readFile(file, "utf8");
    expect(onDisk).toContain("您好");
    expect(onDisk).not.toContain("自有住房");
    expect(onDisk).not.toContain('"40"');
  });
});

describe("ChatHistory: the journal", () => {
  it("has an exchange on disk once it resolves, without close, and replays it at the next open", async () => {
    const dir = await tempDir();
    const file = join(dir, "web-chat.json");
    const history = await ChatHistory.open({ file });
    await Promise.all(Array.from({ length: 50 }, (_, n) => history.exchange(`${SESSION}${n % 5}`, `问题${n}`, [{ text: `回答${n}` }])));
    // No close: as after kill -9.
    const journal = await readFile(join(dir, "web-chat.journal.jsonl"), "utf8");
    expect(JSON.parse(journal.split("\n")[0]!)).toMatchObject({ version: 1 });
    expect(journal.trim().split("\n")).toHaveLength(1 + 100);
    expect((await stat(join(dir, "web-chat.journal.jsonl"))).mode & 0o777).toBe(0o600);
    const reopened = await ChatHistory.open({ file });
    expect(
      reopened
        .since(`${SESSION}3`)
        .filter((i) => i.from === "user")
        .map((i) => i.text),
    ).toEqual([3, 8, 13, 18, 23, 28, 33, 38, 43, 48].map((n) => `问题${n}`));
    const seqs = reopened.since(`${SESSION}3`).map((i) => i.seq);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => seqs[0]! + i));
    // The replayed journal went into a new snapshot; the journal starts again.
    expect((await readFile(join(dir, "web-chat.journal.jsonl"), "utf8")).trim().split("\n")).toHaveLength(1);
    await reopened.close();
  });

  it("skips a line cut by a kill, and the next line written after it is kept", async () => {
    const dir = await tempDir();
    const file = join(dir, "web-chat.json");
    const history = await ChatHistory.open({ file });
    await history.exchange(SESSION, "第一个问题", [{ text: "回答一" }]);
    const journalFile = join(dir, "web-chat.journal.jsonl");
    await writeFile(journalFile, `${await readFile(journalFile, "utf8")}{"session":"${SESSION}","item":{"seq":3,"fr`);
    const reports: string[] = [];
    const reopened = await ChatHistory.open({ file, report: (line) => reports.push(line) });
    await reopened.exchange(SESSION, "第二个问题", [{ text: "回答二" }]);
    const third = await ChatHistory.open({ file });
    const s1 = third.since(SESSION)[0]!.seq;
    expect(third.since(SESSION).map((i) => [i.seq, i.text])).toEqual([
      [s1, "第一个问题"],
      [s1 + 1, "回答一"],
      [s1 + 2, "第二个问题"],
      [s1 + 3, "回答二"],
    ]);
    expect(reports).toEqual([]);
    await third.close();
  });

  it("rewrites the snapshot and empties the journal every `snapshotEvery` lines", async () => {
    const dir = await tempDir();
    const file = join(dir, "web-chat.json");
    const history = await ChatHistory.open({ file, snapshotEvery: 10 });
    for (let n = 0; n < 6; n++) await history.exchange(SESSION, `问题${n}`, [{ text: `回答${n}` }]);
    const snapshot = JSON.parse(await readFile(file, "utf8")) as { version: number; sessions: Record<string, { items: unknown[] }> };
    expect(snapshot.version).toBe(1);
    expect(snapshot.sessions[SESSION]!.items).toHaveLength(10);
    expect((await readFile(join(dir, "web-chat.journal.jsonl"), "utf8")).trim().split("\n")).toHaveLength(1 + 2);
    const reopened = await ChatHistory.open({ file });
    expect(reopened.since(SESSION)).toHaveLength(12);
    await reopened.close();
  });
});
