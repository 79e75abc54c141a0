import type { BotConfig } from "../knowledge/types.js";
import type { StaffDesk } from "../staff/desk.js";
import type { IncomingMessage, Reply } from "./message.js";

/** Sends one reply back into the conversation the message came from. */
export type Respond = (reply: Reply) => Promise<void>;

/** What a channel calls for every message it receives; resolves when the message is fully handled. */
export type MessageHandler = (message: IncomingMessage, respond: Respond) => Promise<void>;

/**
 * What the running bot lends a channel when it starts it (BotRuntime passes all of it). Every
 * field is optional: a channel uses what it needs and still works when started on its own.
 */
export interface ChannelServices {
  /**
   * Staff actions on the bot's own question log (list open groups, reply, …), for channels
   * that let staff work from the chat (Telegram `/pending`, `/reply`). The channel decides who
   * counts as staff; a reply goes out through the outbox like one from `talentbot log reply`.
   */
  staff?: StaffDesk;
  /** bot.yaml as it is now (follows knowledge reloads): greeting, help, examples. */
  botConfig?: () => BotConfig;
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
