import { randomBytes } from "node:crypto";
import { Agent } from "node:https";
import type { Context as TelegrafContext, Telegraf } from "telegraf";
import type { InlineKeyboardMarkup, Update, UserFromGetMe } from "telegraf/types";
import type { Channel, ChannelServices, HttpRequest, HttpResponse, HttpRoute, MessageHandler } from "../../core/channel.js";
import { InFlight, KeyedQueue } from "../../core/keyed-queue.js";
import type { IncomingMessage, Reply } from "../../core/message.js";
import { toStderr } from "../../core/report.js";
import { safeEqual } from "../../core/secret.js";
import { backoff, describeError, sleep } from "../timing.js";
import { ButtonRegistry, replyKeyboard, replyText } from "./buttons.js";
import type { TelegramChannelOptions } from "./options.js";
import { splitText, toTelegramHtml } from "./format.js";
import { incomingMessage, parseCommand, pressIncoming, telegramKind, type TgCallbackQuery, type TgMessage } from "./payload.js";
import { isAuthProblem, retryAfterSeconds, telegramCode, withRetries } from "./retries.js";
import { WEBHOOK_SECRET_HEADER, webhookAddress } from "./webhook.js";

/**
 * Telegram (telegraf). Translation only: Telegram updates → IncomingMessage, Reply → Telegram
 * messages. Platform concerns live here too: inline keyboards for choices, 👍/👎 and example
 * questions (callback data checked against what this process issued), the 4096-character
 * limit, group mentions, commands for another bot, who is staff (TELEGRAM_STAFF_IDS), retries,
 * long polling or a webhook. What a command does (/start, /help, /pending, /reply) is the core's.
 * Messages go out in HTML parse mode: the knowledge base's Markdown **bold** becomes <b>, and
 * everything else is escaped (& < > " '), so no text — an answer or a user's question quoted
 * back to staff — can break the markup.
 */

export const BUTTON_GONE_TEXT = "这个按钮已失效（可能时间太久或机器人重启过）。请直接输入您的问题，或发送 /help 查看示例问题。";
const ALLOWED_UPDATES = ["message", "callback_query"] as const;

export class TelegramChannel implements Channel {
  readonly name = "telegram";
  /** The webhook route for the bot's web server (empty with long polling). */
  readonly routes: HttpRoute[];
  private readonly webhook: { url: string; path: string; secret: string } | undefined;
  private readonly staffIds: ReadonlySet<string>;
  private readonly buttons = new ButtonRegistry();
  private readonly inFlight = new InFlight();
  private readonly abort = new AbortController();
  private telegraf: Telegraf | undefined;
  private me: UserFromGetMe | undefined;
  private handler: MessageHandler | undefined;
  private services: ChannelServices = {};
  private agent: Agent | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | undefined;
  /** Per chat: the update being translated and answered, so that the next one waits for it. */
  private readonly chats = new KeyedQueue();
  /** getMe and setWebhook/deleteWebhook went through. */
  private connected = false;

  constructor(private readonly options: TelegramChannelOptions) {
    this.staffIds = new Set(options.staffIds ?? []);
    if (options.webhookUrl !== undefined) {
      const address = webhookAddress(options.webhookUrl);
      if (typeof address === "string") throw new Error(address);
      this.webhook = { ...address, secret: options.webhookSecret ?? randomBytes(32).toString("base64url") };
    }
    this.routes = this.webhook ? [{ method: "POST", path: this.webhook.path, handle: (request) => this.handleWebhook(request) }] : [];
  }

  /** "long polling" or the webhook address, for the start-up summary. */
  get mode(): string {
    return this.webhook ? `webhook ${this.webhook.url}` : "long polling";
  }

  /** The bot's own account once connected (getMe). */
  get botUser(): UserFromGetMe | undefined {
    return this.me;
  }

  async start(handler: MessageHandler, services: ChannelServices = {}): Promise<void> {
    if (this.telegraf) throw new Error("the Telegram channel is already started");
    this.handler = handler;
    this.services = services;
    const { Telegraf } = await import("telegraf");
    const apiRoot = this.options.apiRoot ?? "https://api.telegram.org";
    // Our own keep-alive agent, destroyed at stop, so that no socket keeps the process alive.
    if (apiRoot.startsWith("https:")) this.agent = new Agent({ keepAlive: true, keepAliveMsecs: 10_000 });
    const telegraf = new Telegraf(this.options.token, {
      telegram: { apiRoot, webhookReply: false, ...(this.agent ? { agent: this.agent } : {}) },
      handlerTimeout: 2 ** 31 - 1, // the core has its own error boundary; never cut a message short
    });
    telegraf.use((ctx) => this.onUpdate(ctx));
    telegraf.catch((error) => this.report(`could not handle an update: ${describeError(error)}`));
    this.telegraf = telegraf;

    // A wrong token is a setting to fix now; an unreachable Telegram is tried again in the background.
    try {
      await this.connect(telegraf);
    } catch (error) {
      if (isAuthProblem(error)) {
        this.agent?.destroy();
        this.telegraf = undefined;
        throw new Error(`Telegram refused the bot token (${describeError(error)}); check TELEGRAM_BOT_TOKEN (from @BotFather)`);
      }
      this.report(`cannot reach the Bot API at ${apiRoot} (${describeError(error)}); will keep trying`);
    }
    this.running = this.run(telegraf);
  }

  async send(conversationId: string, reply: Reply): Promise<void> {
    if (!this.telegraf) throw new Error("the Telegram channel is not running");
    await this.deliver(conversationId, reply);
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.abort.abort();
      await this.running;
      await this.inFlight.idle();
      this.agent?.destroy();
    })();
    return this.stopping;
  }

  // ── connection ─────────────────────────────────────────────────────────────

  /** getMe, then setWebhook (webhook mode) or deleteWebhook (so getUpdates may run). */
  private async connect(telegraf: Telegraf): Promise<void> {
    if (this.connected) return;
    this.me ??= await telegraf.telegram.getMe();
    telegraf.botInfo = this.me;
    if (this.webhook) {
      await telegraf.telegram.setWebhook(this.webhook.url, { secret_token: this.webhook.secret, allowed_updates: [...ALLOWED_UPDATES] });
    } else {
      await telegraf.telegram.deleteWebhook();
    }
    this.connected = true;
    this.report(`connected as @${this.me.username}, ${this.mode}`);
  }

  /**
   * Until stopped: connect if not yet, then (long polling) fetch updates and hand each to
   * telegraf without waiting for it. Any failure — a dropped connection, Telegram down, 429 —
   * waits (retry_after or a growing backoff) and tries again; nothing ends the loop but stop().
   */
  private async run(telegraf: Telegraf): Promise<void> {
    const signal = this.abort.signal;
    const timeout = this.options.pollTimeoutSeconds ?? 50;
    const minInterval = this.options.minPollIntervalMs ?? 1000;
    let offset = 0;
    let failures = 0;
    while (!signal.aborted) {
      const began = Date.now();
      try {
        await this.connect(telegraf);
        if (this.webhook) return; // updates arrive at the route
        const updates = (await telegraf.telegram.callApi("getUpdates", { timeout, offset, allowed_updates: [...ALLOWED_UPDATES] }, { signal: signal as never })) as Update[];
        if (failures > 0) this.report(`connection to Telegram is back after ${failures} failed attempt(s)`);
        failures = 0;
        for (const update of updates) {
          offset = Math.max(offset, update.update_id + 1);
          void this.inFlight.track(telegraf.handleUpdate(update));
        }
        if (updates.length === 0) await sleep(minInterval - (Date.now() - began), signal);
      } catch (error) {
        if (signal.aborted) return;
        failures++;
        const after = retryAfterSeconds(error);
        const wait = after !== undefined ? after * 1000 : backoff(failures, this.options.retryDelayMs ?? 1000, this.options.maxRetryDelayMs ?? 30_000);
        const why = isAuthProblem(error)
          ? `Telegram refused the bot token (${describeError(error)}); check TELEGRAM_BOT_TOKEN`
          : telegramCode(error) === 409
            ? `another program receives this bot's updates (${describeError(error)}); run one bot per token`
            : describeError(error);
        // The first failure and then every tenth, so that a long outage does not flood the log.
        if (failures === 1 || failures % 10 === 0) this.report(`${this.webhook ? "connecting" : "polling"} failed (${why}); trying again in ${Math.ceil(wait / 1000)} s`);
        await sleep(wait, signal);
      }
    }
  }

  private async handleWebhook(request: HttpRequest): Promise<HttpResponse> {
    const webhook = this.webhook!;
    if (!safeEqual(request.headers[WEBHOOK_SECRET_HEADER], webhook.secret)) return { status: 401, body: { error: "wrong or missing secret token" } };
    const telegraf = this.telegraf;
    if (!telegraf || this.abort.signal.aborted) return { status: 503, body: { error: "the Telegram channel is not running" } };
    const update = request.body as { update_id?: unknown } | null;
    if (typeof update !== "object" || update === null || typeof update.update_id !== "number") return { status: 400, body: { error: "not a Telegram update" } };
    // Answer Telegram at once; the message is handled (and replied to) in the background.
    void this.inFlight.track(telegraf.handleUpdate(update as Update));
    return { status: 200, body: { ok: true } };
  }

  // ── incoming ───────────────────────────────────────────────────────────────

  /**
   * Updates of one chat are taken one after another (in the order Telegram numbered them), so
   * that answers to commands and button presses come back in the order they were sent.
   */
  private onUpdate(ctx: TelegrafContext): Promise<void> {
    const update = ctx.update as { message?: TgMessage; callback_query?: TgCallbackQuery };
    const chat = String((update.message ?? update.callback_query?.message)?.chat.id ?? "");
    return this.chats.run(chat, () => this.translate(update));
  }

  private async translate(update: { message?: TgMessage; callback_query?: TgCallbackQuery }): Promise<void> {
    try {
      if (update.callback_query) await this.onCallback(update.callback_query);
      else if (update.message) await this.onMessage(update.message);
      // edited messages, channel posts, membership changes …: nothing to answer
    } catch (error) {
      this.report(`could not answer in chat ${String((update.message ?? update.callback_query?.message)?.chat.id ?? "?")}: ${describeError(error)}`);
    }
  }

  private async onMessage(message: TgMessage): Promise<void> {
    const { chat } = message;
    if (chat.type === "channel" || message.from?.is_bot) return;
    const kind = telegramKind(message);
    if (!kind) return;
    const chatId = String(chat.id);
    const isGroup = chat.type !== "private";
    const replyTo = isGroup ? message.message_id : undefined;
    const raw = kind === "text" ? (message.text ?? "") : (message.caption ?? "");

    const command = kind === "text" ? parseCommand(raw) : undefined;
    if (command?.bot && command.bot.toLowerCase() !== this.me?.username.toLowerCase()) return; // for another bot
    const incoming = this.asStaff(incomingMessage(this.name, message, kind, raw, this.me));
    // A command goes to the core as the text `/name args` (without @ThisBot); in a group it is addressed to the bot.
    const translated = command ? { ...incoming, text: `/${command.name}${command.args ? ` ${command.args}` : ""}`, mentionsBot: true } : incoming;
    await this.handler!(translated, (reply) => this.deliver(chatId, reply, replyTo));
  }

  private async onCallback(query: TgCallbackQuery): Promise<void> {
    const telegraf = this.telegraf!;
    // Stop the button's spinner whatever the press means; a failure here changes nothing.
    void telegraf.telegram.answerCbQuery(query.id).catch(() => undefined);
    const chat = query.message?.chat;
    if (!chat) return; // a button on an inline-mode message: none of ours
    const chatId = String(chat.id);
    const isGroup = chat.type !== "private";
    const pressed = this.buttons.resolve(query.data, chatId);
    if (!pressed) return this.sendText(chatId, BUTTON_GONE_TEXT);
    if (pressed.kind === "f" && query.message) {
      // One vote per answer: take the 👍/👎 buttons away.
      void telegraf.telegram.editMessageReplyMarkup(chatId, query.message.message_id, undefined, { inline_keyboard: [] }).catch(() => undefined);
    }
    await this.handler!(this.asStaff(pressIncoming(this.name, query, chatId, isGroup, pressed.text)), (reply) => this.deliver(chatId, reply, isGroup ? query.message?.message_id : undefined));
  }

  /** The message with `isStaff` when its sender is in TELEGRAM_STAFF_IDS (the core decides what staff may do). */
  private asStaff(message: IncomingMessage): IncomingMessage {
    return this.staffIds.has(message.senderId) ? { ...message, isStaff: true } : message;
  }

  // ── outgoing ───────────────────────────────────────────────────────────────

  /** A Reply as Telegram messages: choices, feedback or example questions become inline buttons under the last piece. */
  private deliver(chatId: string, reply: Reply, replyTo?: number): Promise<void> {
    return this.sendText(chatId, replyText(reply), replyKeyboard(this.buttons, chatId, reply), replyTo);
  }

  private async sendText(chatId: string, text: string, keyboard?: InlineKeyboardMarkup, replyTo?: number): Promise<void> {
    const telegraf = this.telegraf;
    if (!telegraf) throw new Error("the Telegram channel is not running");
    const pieces = splitText(text.trim() === "" ? "…" : text);
    for (const [i, piece] of pieces.entries()) {
      const extra = {
        ...(i === pieces.length - 1 && keyboard ? { reply_markup: keyboard } : {}),
        ...(i === 0 && replyTo !== undefined ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
      };
      try {
        await this.withRetries(`sending to chat ${chatId}`, () => telegraf.telegram.sendMessage(chatId, toTelegramHtml(piece), { ...extra, parse_mode: "HTML" }));
      } catch (error) {
        // Should the markup ever be refused, the words still get through, unformatted.
        if (telegramCode(error) !== 400 || !/can't parse entities/i.test(describeError(error))) throw error;
        this.report(`Telegram refused the formatting of a message to chat ${chatId} (${describeError(error)}); sent as plain text`);
        await this.withRetries(`sending to chat ${chatId}`, () => telegraf.telegram.sendMessage(chatId, piece, extra));
      }
    }
  }

  /** One API call with the channel's retry settings (see retries.ts). */
  private withRetries<T>(what: string, call: () => Promise<T>): Promise<T> {
    return withRetries(what, call, {
      attempts: this.options.sendAttempts ?? 4,
      retryDelayMs: this.options.retryDelayMs ?? 1000,
      maxRetryDelayMs: this.options.maxRetryDelayMs ?? 30_000,
      maxRetryAfterMs: this.options.maxRetryAfterMs ?? 60_000,
      signal: this.abort.signal,
      report: (line) => this.report(line),
    });
  }

  private report(line: string): void {
    const report = this.options.report ?? this.services.report ?? toStderr;
    report(`talentbot: telegram: ${line}`);
  }
}
