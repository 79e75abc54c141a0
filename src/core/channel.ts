import type { Readable, Writable } from "node:stream";
import type { IncomingMessage, Reply } from "./message.js";

/** Sends one reply back into the conversation the message came from. */
export type Respond = (reply: Reply) => Promise<void>;

/** What a channel calls for every message it receives; resolves when the message is fully handled. */
export type MessageHandler = (message: IncomingMessage, respond: Respond) => Promise<void>;

/**
 * What the running bot lends a channel when it starts it (BotRuntime passes all of it). Every
 * field is optional: a channel uses what it needs and still works when started on its own.
 * Staff commands and bot.yaml's wording are the core's (stages/slash-commands.ts): a channel
 * only says who is staff (IncomingMessage.isStaff).
 */
export interface ChannelServices {
  /** The bot's data directory, for channels that keep a session there (WeChat login). */
  dataDir?: string;
  /** Status lines and warnings for the operator (login, lost connection, failed sends). */
  report?: (line: string) => void;
}

/**
 * A chat platform adapter. It only translates: platform payload → IncomingMessage,
 * Reply → platform message. It holds no conversation logic and the core never imports
 * a platform SDK; channels live in src/channels/<name>.ts.
 */
export interface Channel {
  /** Also the `channel` of its messages and of outbox messages addressed to it. */
  readonly name: string;
  /**
   * Starts receiving; every message goes to `handler`. Resolves once the channel is receiving.
   * `services` are what the running bot offers (see ChannelServices); channels may ignore them.
   */
  start(handler: MessageHandler, services?: ChannelServices): Promise<void>;
  /**
   * Sends a message the user did not just ask for (a staff reply from the outbox) into a
   * conversation. Rejects if it could not be delivered; the outbox retries later.
   */
  send(conversationId: string, reply: Reply): Promise<void>;
  /** Stops receiving and waits until messages already received are handled. Safe to call twice. */
  stop(): Promise<void>;
  /**
   * Settles when the channel ended by itself (the console when its input closes).
   * Absent for channels that run until stopped (webhooks, long polling).
   */
  readonly ended?: Promise<void>;
}

/**
 * An HTTP endpoint that a channel needs on the bot's own web server (Telegram's webhook).
 * Framework-neutral on purpose: channels stay free of the web server's library, and the web
 * server (src/web/) mounts whatever routes the started channels declare.
 */
export interface HttpRequest {
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The parsed JSON body. */
  body: unknown;
}

export interface HttpResponse {
  status: number;
  body?: unknown;
}

export interface HttpRoute {
  method: "POST";
  /** Absolute path, e.g. `/telegram/webhook`. */
  path: string;
  handle(request: HttpRequest): Promise<HttpResponse>;
}

/** What a channel may use to decide whether it can run and to build itself. */
export interface ChannelEnvironment {
  env: NodeJS.ProcessEnv;
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable;
  /** bot.yaml greeting, for channels that greet. */
  greeting: string;
}

/**
 * On with the channel to run and a note, or off with the reason (shown at start). A channel
 * that receives over HTTP (a webhook) declares `routes` for the bot's own web server.
 */
export type ChannelSetup = { on: true; channel: Channel; note: string; routes?: HttpRoute[] } | { on: false; reason: string };

/** How `talentbot start` finds a channel: its setup reads its own settings from the environment. */
export interface ChannelRegistration {
  name: string;
  setup(environment: ChannelEnvironment): ChannelSetup;
}
