import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { ConsoleChannel } from "../../src/channels/console.js";
import { run } from "../../src/cli/main.js";
import { OutboxDispatcher } from "../../src/core/outbox.js";
import { QuestionLog } from "../../src/log/question-log.js";
import { RecordingChannel, captureOutput, startTestBot, waitFor } from "../helpers/bot-harness.js";
import { writeMiniKb } from "../helpers/mini-kb.js";
import { useTempDirs } from "../helpers/temp-dirs.js";

const tempDir = useTempDirs();

describe("staff replies through the outbox", () => {
  it("delivers a staff reply into the console conversation that asked, via the running bot", async () => {
    const knowledgeDir = await writeMiniKb();
    const dataDir = await tempDir();
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (chunk: Buffer) => (printed += chunk.toString("utf8")));
    const console = new ConsoleChannel({ input, output, interactive: false });
    const bot = await startTestBot({ knowledgeDir, dataDir, channels: [console], admin: true, outbox: { intervalMs: 60_000 } });

    input.write("博士安家费怎么申请\n");
    await waitFor(() => printed.includes("抱歉，暂时无法回答。"), "the bot's answer");
    const [group] = await bot.runtime.log.listGroups();

    // The staff command finds the running bot through admin.json and hands the reply over.
    const io = captureOutput();
    expect(await run(["log", "reply", group!.id, "博士安家费请向人社局申请。", "--data-dir", dataDir, "--knowledge", knowledgeDir], io)).toBe(0);
    expect(io.stdout.join("\n")).toMatch(/queued for delivery \(console:console\) \(carried out by the running bot \(pid \d+\)\)/);

    // Delivered at once (not at the next poll, which is a minute away).
    await waitFor(() => printed.includes("博士安家费请向人社局申请。"), "the staff reply on the console");
    expect(printed).toContain("关于您咨询的“博士安家费怎么申请”，工作人员答复如下：");
    await waitFor(async () => (await bot.runtime.log.pendingOutbox()).length === 0, "the message marked sent");

    input.end();
    await bot.runtime.ended;
    await bot.stop();
    const file = await bot.file();
    expect(file.outbox).toHaveLength(1);
    expect(file.outbox[0]!.sentAt).toBeDefined();
    expect(file.groups[0]!.status).toBe("replied");
  });

  it("retries a failed delivery, marks it sent when it goes through, and leaves other channels' messages alone", async () => {
    const log = await QuestionLog.open({ retentionDays: 180, dataDir: await tempDir() });
    const asked = { text: "博士安家费怎么申请", normalized: "博士安家费怎么申请", reason: "unanswered" as const, candidates: [] };
    const first = await log.record({ ...asked, channel: "wecom", conversationId: "room-1" });
    await log.record({ ...asked, channel: "telegram", conversationId: "chat-9" });
    await log.reply(first.groupId, "请向人社局申请。");

    const wecom = new RecordingChannel("wecom");
    wecom.failures = 1;
    const errors: string[] = [];
    const outbox = new OutboxDispatcher(log, [wecom], { retryDelayMs: 0, report: (m) => errors.push(m) });
    await outbox.deliver();
    expect(wecom.sent).toEqual([]);
    expect((await log.pendingOutbox("wecom"))[0]).toMatchObject({ attempts: 1, lastError: "network unreachable" });
    expect(errors[0]).toMatch(/could not deliver staff reply m1 .* wecom to room-1: network unreachable; will retry/);

    await outbox.deliver();
    expect(wecom.sent).toEqual([{ conversationId: "room-1", reply: { text: "关于您咨询的“博士安家费怎么申请”，工作人员答复如下：\n请向人社局申请。" } }]);
    expect(await log.pendingOutbox("wecom")).toEqual([]);
    expect(await log.pendingOutbox("telegram")).toHaveLength(1); // no telegram channel running: it waits
    await log.close();
  });
});
