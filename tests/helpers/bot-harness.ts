import { BotRuntime, type RuntimeOptions } from "../../src/app/runtime.js";
import type { Channel } from "../../src/core/channel.js";
import { DEFAULT_DECISION } from "../../src/core/decide.js";
import type { EngineOptions } from "../../src/core/engine.js";
import type { IncomingMessage, Reply } from "../../src/core/message.js";
import { readEmbeddedLog } from "../../src/log/embedded-store.js";
import type { LogData } from "../../src/log/types.js";
import type { Output } from "../../src/cli/output.js";

/** A text message from one person in a private chat on a test channel ("web": rate-limited, unlike the console). */
export function message(text: string, overrides: Partial<IncomingMessage> = {}): IncomingMessage {
  return { channel: "web", conversationId: "conv-1", senderId: "user-1", text, kind: "text", isGroup: false, mentionsBot: false, receivedAt: new Date(), ...overrides };
}

/**
 * Engine options under which every policy question that has a best candidate is `suggested`
 * (never `answered`): the tests of choices do not depend on the engine's tuned thresholds.
 */
export const ALWAYS_SUGGEST: Partial<EngineOptions> = {
  decision: { ...DEFAULT_DECISION, answerThreshold: 1.01, suggestThreshold: 0, suggestWindow: 1 },
};

export interface TestBot {
  runtime: BotRuntime;
  reports: string[];
  /** Sends one message; returns the replies. */
  say(text: string, overrides?: Partial<IncomingMessage>): Promise<Reply[]>;
  /** The log file as it is on disk. */
  file(): Promise<LogData>;
  stop(): Promise<void>;
}

/** The real runtime (real engine, real lowdb file in `dataDir`), without channels unless given. */
export async function startTestBot(options: Partial<RuntimeOptions> & { knowledgeDir: string; dataDir: string }): Promise<TestBot> {
  const reports: string[] = [];
  // No background refit after an edit unless a test asks: its CPU would slow every other test file.
  const runtime = await BotRuntime.start({ channels: [], admin: false, watchKnowledge: false, refitInBackground: false, report: (line) => reports.push(line), ...options });
  return {
    runtime,
    reports,
    say: (text, overrides) => runtime.bot.handle(message(text, overrides)),
    file: () => readEmbeddedLog(options.dataDir),
    stop: () => runtime.stop(),
  };
}

/** Collects CLI output for run(argv, io). */
export function captureOutput(): Output & { stdout: string[]; stderr: string[]; text(): string } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), text: () => [...stdout, ...stderr].join("\n") };
}

/** Resolves when `check` returns true; polls every 20 ms, fails after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A channel for outbox tests: records what it sends; fails while `failures` > 0. */
export class RecordingChannel implements Channel {
  readonly sent: { conversationId: string; reply: Reply }[] = [];
  failures = 0;
  constructor(readonly name: string) {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async send(conversationId: string, reply: Reply): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error("network unreachable");
    }
    this.sent.push({ conversationId, reply });
  }
}
