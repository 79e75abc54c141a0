import type { Readable, Writable } from "node:stream";
import type { HttpRoute } from "../app/http-routes.js";
import type { Channel } from "../core/channel.js";
import { ConsoleChannel } from "./console.js";
import { telegramRegistration } from "./telegram.js";
import { wechatRegistration } from "./wechat.js";
import { webRegistration } from "./web.js";

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

export interface ChannelRegistration {
  name: string;
  setup(environment: ChannelEnvironment): ChannelSetup;
}

const OFF_WORDS = ["off", "0", "false", "no"];

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

/**
 * Every channel `talentbot start` knows, in the order they are listed. A new channel
 * (Telegram, WeChat, web) adds its registration here: its setup reads its own settings
 * (tokens, ports) from the environment and says "on" with the channel, or "off" and why.
 */
export const CHANNELS: readonly ChannelRegistration[] = [consoleRegistration, webRegistration, telegramRegistration, wechatRegistration];
