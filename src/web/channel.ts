import type { Channel, ChannelRegistration, MessageHandler } from "../core/channel.js";
import type { IncomingMessage, Reply } from "../core/message.js";

export const DEFAULT_WEB_HOST = "127.0.0.1";
export const DEFAULT_WEB_PORT = 3000;

/** Where the bot's web server listens: `HOST` and `PORT` (0 = any free port), default 127.0.0.1:3000. */
export interface WebListen {
  host: string;
  port: number;
}

/** HOST and PORT (0 = any free port), default 127.0.0.1:3000; a PORT that is not a port number is an error message. */
export function webListen(env: NodeJS.ProcessEnv): WebListen | string {
  const host = env["HOST"]?.trim() || DEFAULT_WEB_HOST;
  const portText = env["PORT"]?.trim() || String(DEFAULT_WEB_PORT);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) return `PORT=${portText} is not a port number (0–65535)`;
  return { host, port };
}

/** Reads TALENTBOT_WEB, HOST and PORT; off, or a bad value, comes with the reason said at start. */
export function webSettings(env: NodeJS.ProcessEnv): { on: true; listen: WebListen } | { on: false; reason: string } {
  const setting = env["TALENTBOT_WEB"]?.trim().toLowerCase();
  if (setting !== undefined && ["off", "0", "false", "no"].includes(setting)) return { on: false, reason: `TALENTBOT_WEB=${env["TALENTBOT_WEB"] ?? ""}` };
  const listen = webListen(env);
  return typeof listen === "string" ? { on: false, reason: listen } : { on: true, listen };
}

/** `http://host:port` as a person would type it (IPv6 in brackets). */
export function webUrl(listen: WebListen): string {
  return `http://${listen.host.includes(":") ? `[${listen.host}]` : listen.host}:${listen.port}`;
}

/** The web chat page and staff console; on unless TALENTBOT_WEB=off. `talentbot start` runs the server (src/web/). */
export const webRegistration: ChannelRegistration = {
  name: "web",
  setup({ env }) {
    const settings = webSettings(env);
    if (!settings.on) return settings;
    const url = webUrl(settings.listen);
    return {
      on: true,
      channel: new WebChannel({ listen: settings.listen }),
      note: `${settings.listen.port === 0 ? `http://${settings.listen.host}:<any free port>` : url} — chat page /, staff console /admin (TALENTBOT_WEB=off turns it off)`,
    };
  },
};

/** Where the web channel puts staff replies (the outbox's `send`) so the session's page can fetch them. */
export interface WebInbox {
  /** Stores a staff reply for the browser session `sessionId`; resolves once it is kept. */
  deliver(sessionId: string, reply: Reply): Promise<void>;
}

/** A web session id: what the page keeps in localStorage; random, URL-safe. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * The web chat page as a channel. It only translates: a chat request (session id + text) →
 * IncomingMessage, and the core's replies → the same Reply objects, which the page renders
 * (choices and 有帮助 / 没帮助 as buttons, the citation as a link). One browser session is one
 * private conversation; its session id is both conversation and sender. The HTTP side lives in
 * src/web/ and calls `receive`; staff replies from the outbox go to the attached inbox.
 */
export class WebChannel implements Channel {
  readonly name = "web";
  private handler: MessageHandler | undefined;
  private inbox: WebInbox | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopped = false;

  /** Where the web server should listen for this channel. */
  readonly listen: WebListen;

  constructor(private readonly options: { listen?: WebListen; now?: () => Date } = {}) {
    this.listen = options.listen ?? { host: DEFAULT_WEB_HOST, port: DEFAULT_WEB_PORT };
  }

  /** Where staff replies go; attach before the bot starts (the outbox may deliver at once). */
  attach(inbox: WebInbox): void {
    this.inbox = inbox;
  }

  async start(handler: MessageHandler): Promise<void> {
    this.handler = handler;
    this.stopped = false;
  }

  /** Whether chat messages can be handled now. */
  get receiving(): boolean {
    return this.handler !== undefined && !this.stopped;
  }

  /** Handles one message typed (or a button pressed) in session `sessionId`; resolves with every reply. */
  async receive(sessionId: string, text: string): Promise<Reply[]> {
    const handler = this.handler;
    if (!handler || this.stopped) throw new Error("the web channel is not receiving");
    if (!SESSION_ID_PATTERN.test(sessionId)) throw new Error("invalid web session id");
    const replies: Reply[] = [];
    const handled = handler(this.toMessage(sessionId, text), async (reply) => {
      replies.push(reply);
    });
    this.inFlight.add(handled);
    try {
      await handled;
    } finally {
      this.inFlight.delete(handled);
    }
    return replies;
  }

  async send(conversationId: string, reply: Reply): Promise<void> {
    if (!this.inbox) throw new Error("the web chat is not ready yet");
    if (!SESSION_ID_PATTERN.test(conversationId)) throw new Error(`"${conversationId}" is not a web session`);
    await this.inbox.deliver(conversationId, reply);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.inFlight]);
  }

  private toMessage(sessionId: string, text: string): IncomingMessage {
    return {
      channel: this.name,
      conversationId: sessionId,
      senderId: sessionId,
      text,
      kind: "text",
      isGroup: false,
      mentionsBot: true,
      receivedAt: this.options.now?.() ?? new Date(),
    };
  }
}
