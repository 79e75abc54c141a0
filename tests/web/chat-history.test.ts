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

    history.exchange(SESSION, "新的问题", [{ text: "回答" }]);
    await history.close();
    expect(JSON.parse(await readFile(file, "utf8"))).toMatchObject({ version: 1 });
    expect(await readFile(join(dir, aside[0]!), "utf8")).toBe(corrupt); // still there, untouched
  });

  it("leaves a file it cannot read alone and keeps conversations in memory only", async () => {
    const dir = await tempDir();
    const file = join(dir, "web-chat.json");
    // A directory in its place: unreadable as a file for every user, root included (unlike mode 000).
    await mkdir(file);
    const history = await ChatHistory.open({ file, writeDelayMs: 0 });
    expect(history.warnings).toEqual([{ file, movedTo: null }]);
    history.exchange(SESSION, "问题", [{ text: "回答" }]);
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
    const history = await ChatHistory.open({ file, writeDelayMs: 0 });
    history.exchange(SESSION, "银行卡号6222020200112233445，补贴没到账", [{ text: "请联系工作人员" }]);
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
    const history = await ChatHistory.open({ file, writeDelayMs: 0 });
    const kept = history.exchange(SESSION, "你好", [{ text: "您好" }]);
    const items = history.exchange(SESSION, "40", [{ text: "第 3 题：您在本市有自有住房吗？", choices: [{ label: "是", faqId: "eligibility" }], unsaved: true }]);
    expect(items.map((i) => [i.from, i.text])).toEqual([["user", "40"], ["bot", "第 3 题：您在本市有自有住房吗？"]]);
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
