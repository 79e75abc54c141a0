import { createInterface, type Interface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Channel, ChannelRegistration, MessageHandler } from "../core/channel.js";
import type { IncomingMessage, Reply } from "../core/message.js";
import { renderText } from "../core/render-text.js";

export interface ConsoleChannelOptions {
  input: Readable;
  output: Writable;
  /** A person at a terminal: greeting and a prompt. Default: whether `input` is a TTY. */
  interactive?: boolean;
  /** Shown once at the start of an interactive session. */
  greeting?: string;
  /** Default "console": staff replies to console questions come back to the console. */
  conversationId?: string;
  now?: () => Date;
}

/** Words meant for the terminal, not questions: handled here and never handed to the bot (or its log). */
const CLEAR_WORDS = new Set(["clear", "cls"]);
const QUIT_WORDS = new Set(["exit", "quit", "q", ":q"]);

/**
 * The terminal shows no Markdown: **bold** becomes plain text. Only around text that is not itself
 * asterisks, so a mask (138****5678) is never taken for markup.
 */
export function plainText(text: string): string {
  return text.replace(/(?<!\*)\*\*([^*\n]+)\*\*(?!\*)/g, "$1");
}

/**
 * The terminal as a channel. Each input line is one message; replies are printed as text
 * (numbered choices, "回复 好 / 不好"). Not interactive (a pipe, a file), it prints only the
 * replies, so it can be scripted. It ends when its input ends.
 */
export class ConsoleChannel implements Channel {
  readonly name = "console";
  readonly ended: Promise<void>;
  private readonly interactive: boolean;
  private promptHeld: Promise<unknown> = Promise.resolve();
  private releasePrompt: () => void = () => {};
  private stopped = false;
  /** Ctrl+C at the terminal means "stop the bot", not "stop typing": whoever runs the bot listens here. */
  private readonly interruptListeners: (() => void)[] = [];
  private readonly conversationId: string;
  private readonly now: () => Date;
  private lines: Interface | undefined;
  private finish!: () => void;
  private reading: Promise<void> = Promise.resolve();

  constructor(private readonly options: ConsoleChannelOptions) {
    this.interactive = options.interactive ?? (options.input as Readable & { isTTY?: boolean }).isTTY === true;
    this.conversationId = options.conversationId ?? "console";
    this.now = options.now ?? (() => new Date());
    this.ended = new Promise((resolve) => (this.finish = resolve));
    // A closed stdout (the other end of a pipe went away): nobody can read replies any more.
    options.output.on("error", () => void this.stop());
  }

  async start(handler: MessageHandler): Promise<void> {
    const lines = createInterface({
      input: this.options.input,
      crlfDelay: Infinity,
      ...(this.interactive ? { output: this.options.output, terminal: true, prompt: "> " } : { terminal: false }),
    });
    this.lines = lines;
    // At a terminal readline catches Ctrl+C itself, so no SIGINT reaches the process: say it
    // here. Whoever runs the bot stops everything on it; nobody listening, the console ends.
    lines.on("SIGINT", () => {
      if (this.interruptListeners.length === 0) lines.close();
      for (const listener of this.interruptListeners) listener();
    });
    // An unreadable stdin behaves like an empty one.
    this.options.input.once("error", () => lines.close());
    this.reading = this.read(lines, handler).finally(() => this.finish());
  }

  /** Greeting and prompt wait for `until` (the start lines of the other channels), so they are not mixed with them. */
  holdPrompt(until: Promise<unknown>): void {
    this.promptHeld = new Promise<void>((resolve) => {
      this.releasePrompt = resolve;
      until.then(
        () => resolve(),
        () => resolve(),
      );
    });
  }

  /** `stop` runs at every Ctrl+C (a second one may mean "now"); without a listener Ctrl+C only ends the console. */
  onInterrupt(stop: () => void): void {
    this.interruptListeners.push(stop);
  }

  async send(conversationId: string, reply: Reply): Promise<void> {
    if (conversationId !== this.conversationId) throw new Error(`the console has no conversation "${conversationId}" (it is "${this.conversationId}")`);
    this.write(renderText(reply));
    if (this.interactive) this.lines?.prompt(true);
  }

  async stop(): Promise<void> {
    // A start that failed before its lines were printed must not wait for them.
    this.stopped = true;
    this.releasePrompt();
    this.lines?.close();
    await this.reading;
  }

  private async read(lines: Interface, handler: MessageHandler): Promise<void> {
    const iterator = lines[Symbol.asyncIterator](); // created now: lines typed while the prompt is held are kept
    await this.promptHeld;
    if (this.stopped) return;
    if (this.interactive && this.options.greeting) this.write(this.options.greeting);
    if (this.interactive) lines.prompt();
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const line = next.value;
      const word = line.trim().toLowerCase();
      if (CLEAR_WORDS.has(word)) {
        if (this.interactive) this.options.output.write("\x1b[2J\x1b[H");
      } else if (QUIT_WORDS.has(word)) {
        lines.close();
        break;
      } else if (word !== "") {
        await handler(this.toMessage(line), async (reply) => this.write(renderText(reply)));
      }
      if (this.interactive) lines.prompt();
    }
  }

  private toMessage(line: string): IncomingMessage {
    return {
      channel: this.name,
      conversationId: this.conversationId,
      senderId: this.conversationId,
      text: line,
      kind: "text",
      isGroup: false,
      mentionsBot: true,
      // The terminal is the operator's: whoever types here can run `talentbot log` too.
      isStaff: true,
      receivedAt: this.now(),
    };
  }

  private write(text: string): void {
    const { output } = this.options;
    if (!output.writable) return;
    const plain = plainText(text);
    output.write(this.interactive ? `\n${plain}\n\n` : `${plain}\n\n`);
  }
}

const OFF_WORDS = ["off", "0", "false", "no"];

/** On unless TALENTBOT_CONSOLE is off/0/false/no. */
export const consoleRegistration: ChannelRegistration = {
  name: "console",
  setup({ env, stdin, stdout, greeting }) {
    const setting = env["TALENTBOT_CONSOLE"]?.trim().toLowerCase();
    if (setting !== undefined && OFF_WORDS.includes(setting)) return { on: false, reason: `TALENTBOT_CONSOLE=${env["TALENTBOT_CONSOLE"] ?? ""}` };
    const interactive = stdin.isTTY === true;
    return {
      on: true,
      channel: new ConsoleChannel({ input: stdin, output: stdout, interactive, greeting }),
      note: interactive ? "interactive terminal" : "stdin is not a terminal: one message per line, replies on stdout; ends at end of input",
    };
  },
};
