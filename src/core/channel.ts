import type { IncomingMessage, Reply } from "./message.js";

/** Sends one reply back into the conversation the message came from. */
export type Respond = (reply: Reply) => Promise<void>;

/** What a channel calls for every message it receives; resolves when the message is fully handled. */
export type MessageHandler = (message: IncomingMessage, respond: Respond) => Promise<void>;

/**
 * A chat platform adapter. It only translates: platform payload → IncomingMessage,
 * Reply → platform message. It holds no conversation logic and the core never imports
 * a platform SDK; channels live in src/channels/<name>.ts.
 */
export interface Channel {
  /** Also the `channel` of its messages and of outbox messages addressed to it. */
  readonly name: string;
  /** Starts receiving; every message goes to `handler`. Resolves once the channel is receiving. */
  start(handler: MessageHandler): Promise<void>;
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
