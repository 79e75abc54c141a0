import { createInterface, type Interface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Channel, MessageHandler } from "../core/channel.js";
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

/**
 * The terminal as a channel. Each input line is one message; replies are printed as text
 * (numbered choices, "回复 好 / 不好"). Not interactive (a pipe, a file), it prints only the
 * replies, so it can be scripted. It ends when its input ends.
 */
export class ConsoleChannel implements Channel {
  readonly name = "console";
  readonly ended: Promise<void>;
  private readonly interactive: boolean;
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
    // At a terminal readline catches Ctrl+C itself; without this it would only pause.
    lines.on("SIGINT", () => lines.close());
    // An unreadable stdin behaves like an empty one.
    this.options.input.once("error", () => lines.close());
    if (this.interactive && this.options.greeting) this.write(this.options.greeting);
    this.reading = this.read(lines, handler).finally(() => this.finish());
  }

  async send(conversationId: string, reply: Reply): Promise<void> {
    if (conversationId !== this.conversationId) throw new Error(`the console has no conversation "${conversationId}" (it is "${this.conversationId}")`);
    this.write(renderText(reply));
    if (this.interactive) this.lines?.prompt(true);
  }

  async stop(): Promise<void> {
    this.lines?.close();
    await this.reading;
  }

  private async read(lines: Interface, handler: MessageHandler): Promise<void> {
    if (this.interactive) lines.prompt();
    for await (const line of lines) {
      if (line.trim() !== "") await handler(this.toMessage(line), async (reply) => this.write(renderText(reply)));
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
      receivedAt: this.now(),
    };
  }

  private write(text: string): void {
    const { output } = this.options;
    if (!output.writable) return;
    output.write(this.interactive ? `\n${text}\n\n` : `${text}\n\n`);
  }
}
