import { consoleRegistration } from "../channels/console.js";
import { telegramRegistration } from "../channels/telegram/index.js";
import { wechatRegistration } from "../channels/wechat.js";
import type { ChannelRegistration } from "../core/channel.js";
import { webRegistration } from "../web/channel.js";

export { consoleRegistration };

/**
 * Every channel `talentbot start` knows, in the order they are listed. A new channel adds its
 * registration here: its setup reads its own settings (tokens, ports) from the environment and
 * says "on" with the channel, or "off" and why.
 */
export const CHANNELS: readonly ChannelRegistration[] = [consoleRegistration, webRegistration, telegramRegistration, wechatRegistration];
