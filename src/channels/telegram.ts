import { randomBytes } from "node:crypto";
import { Agent } from "node:https";
import type { Context as TelegrafContext, Telegraf } from "telegraf";
import type { InlineKeyboardMarkup, Update, UserFromGetMe } from "telegraf/types";
import { staffWording, type BotConfig, type Channel, type ChannelRegistration, type ChannelServices, type HttpRequest, type HttpResponse, type HttpRoute, type MessageHandler, type StaffPort } from "../core/channel.js";
import { FEEDBACK_HELPFUL, FEEDBACK_UNHELPFUL, type IncomingMessage, type MessageKind, type Reply } from "../core/message.js";
import { InFlight, KeyedQueue } from "../core/keyed-queue.js";
import { escapeHtml } from "../core/render-text.js";
import { toStderr } from "../core/report.js";
import { safeEqual } from "../core/secret.js";
import { backoff, describeError, sleep } from "./timing.js";

/**
 * Telegram (telegraf). Translation only: Telegram updates → IncomingMessage, Reply → Telegram
 * messages. Platform concerns live here too: inline keyboards for choices, 👍/👎 and example
 * questions (callback data checked against what this process issued), the 4096-character
 * limit, group mentions, /start /help, staff commands, retries, long polling or a webhook.
 * Messages go out in HTML parse mode: the knowledge base's Markdown **bold** becomes <b>, and
 * everything else is escaped (&, <, >), so no text — an answer or a user's question quoted
 * back to staff — can break the markup.
 */

/** Telegram's limit for one text message. */
export const TELEGRAM_TEXT_LIMIT = 4096;
export const WEBHOOK_SECRET_HEADER = "x-telegram-bot-api-secret-token";
/** Where the webhook listens when TELEGRAM_WEBHOOK_URL has no path of its own. */
export const DEFAULT_WEBHOOK_PATH = "/telegram/webhook";

export const BUTTON_GONE_TEXT = "这个按钮已失效（可能时间太久或机器人重启过）。请直接输入您的问题，或发送 /help 查看示例问题。";
export const NOT_STAFF_TEXT = "抱歉，您没有权限使用这个命令（not allowed）：它仅限工作人员使用。";
export const STAFF_PRIVATE_ONLY_TEXT = "工作人员命令请在与机器人的私聊中使用。";
export const STAFF_UNAVAILABLE_TEXT = "工作人员命令暂时不可用（机器人没有连接问题记录）。";
export const REPLY_USAGE_TEXT = "用法：/reply 问题组编号 答复内容\n例如：/reply g3 人才公寓请向市住建局申请，咨询电话 0000-12345678。\n发送 /pending 查看待答复的问题组。";
export const UNKNOWN_COMMAND_TEXT = "没有这个命令。请直接输入您的问题，或发送 /help 查看帮助。";
const EXAMPLES_INTRO = "您可以这样问（点按即可提问）：";
const STAFF_HELP = "工作人员命令：\n/pending 查看待答复的问题组\n/reply 问题组编号 答复内容 —— 答复后会发给所有提问者";
const FEEDBACK_BUTTONS = [`👍 ${FEEDBACK_HELPFUL}`, `👎 ${FEEDBACK_UNHELPFUL}`] as const;
const PENDING_SHOWN = 20;
const ALLOWED_UPDATES = ["message", "callback_query"] as const;

export interface TelegramChannelOptions {
  token: string;
  /** Bot API address. Default https://api.telegram.org (TELEGRAM_API_ROOT: tests, a self-hosted Bot API server). */
  apiRoot?: string;
  /** Public HTTPS address Telegram posts updates to (TELEGRAM_WEBHOOK_URL); absent: long polling. */
  webhookUrl?: string;
  /** The secret Telegram sends in `x-telegram-bot-api-secret-token`. Default: random, new at every start. */
  webhookSecret?: string;
  /** Telegram user ids that may use /pending and /reply (TELEGRAM_STAFF_IDS). */
  staffIds?: readonly string[];
  /** Greeting for /start when the running bot does not provide bot.yaml. */
  greeting?: string;
  /** Seconds a getUpdates call waits for news (long polling). Default 50. */
  pollTimeoutSeconds?: number;
  /**
   * Least time between the starts of two getUpdates calls that returned nothing. Telegram holds
   * an empty poll for `pollTimeoutSeconds`, so this only matters for a Bot API server that answers
   * at once (an emulator): without it the loop would spin. Default 1000 ms.
   */
  minPollIntervalMs?: number;
  /** Tries per API call on network faults, 5xx and 429 (first try included). Default 4. */
  sendAttempts?: number;
  /** Wait after the first failure, doubled after each further one. Default 1000 ms. */
  retryDelayMs?: number;
  /** Longest wait between tries (polling keeps trying for ever at this pace). Default 30 000 ms. */
  maxRetryDelayMs?: number;
  /** A 429 asking to wait longer than this is not retried (the send fails). Default 60 000 ms. */
  maxRetryAfterMs?: number;
  /** Status lines; default: the running bot's report (stderr). */
  report?: (line: string) => void;
}

/** What a button press stands for: the text the person "says" by pressing it. */
type ButtonKind = "c" | "f" | "e"; // choice, feedback, example

/**
 * Callback data is `<kind>:<token>:<index>` (≤ 64 bytes, as Telegram requires); the token names
 * a keyboard this process sent to that chat. Anything else — a keyboard from before a restart,
 * one older than `ttlMs`, data for another chat, made-up data — resolves to nothing.
 */
export class ButtonRegistry {
  private readonly issued = new Map<string, { chatId: string; kind: ButtonKind; texts: string[]; at: number }>();

  constructor(
    private readonly max = 20_000,
    private readonly ttlMs = 7 * 24 * 3600 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  issue(chatId: string, kind: ButtonKind, texts: string[]): string[] {
    const token = randomBytes(6).toString("base64url");
    this.issued.set(token, { chatId, kind, texts, at: this.now() });
    for (const oldest of this.issued.keys()) {
      if (this.issued.size <= this.max) break;
      this.issued.delete(oldest);
    }
    return texts.map((_, i) => `${kind}:${token}:${i}`);
  }

  resolve(data: string | undefined, chatId: string | undefined): { kind: ButtonKind; text: string } | undefined {
    const match = /^([cfe]):([A-Za-z0-9_-]{8}):(\d{1,2})$/.exec(data ?? "");
    if (!match || chatId === undefined) return undefined;
    const entry = this.issued.get(match[2]!);
    if (!entry || entry.kind !== match[1] || entry.chatId !== chatId || this.now() - entry.at > this.ttlMs) return undefined;
    const text = entry.texts[Number(match[3])];
    return text === undefined ? undefined : { kind: entry.kind, text };
  }
}

/** The parts of a Telegram message this channel reads (Telegram's own types are a wide union). */
interface TgUser {
  id: number;
  is_bot?: boolean;
  first_name?: string;
  last_name?: string;
  username?: string;
}
interface TgChat {
  id: number | string;
  type: string;
}
interface TgEntity {
  type: string;
  offset: number;
  length: number;
  user?: TgUser;
}
interface TgMessage {
  message_id: number;
  date: number;
  chat: TgChat;
  from?: TgUser;
  sender_chat?: TgChat & { title?: string };
  text?: string;
  caption?: string;
  entities?: TgEntity[];
  caption_entities?: TgEntity[];
  reply_to_message?: { from?: TgUser };
  [field: string]: unknown;
}
interface TgCallbackQuery {
  id: string;
  from: TgUser;
  message?: { message_id: number; chat: TgChat };
  data?: string;
}

/** Content fields → message kind, first match wins (an emulator may add an empty `text` to anything). */
const KIND_FIELDS: [string, MessageKind][] = [
  ["sticker", "sticker"],
  ["photo", "image"],
  ["animation", "image"],
  ["voice", "voice"],
  ["audio", "voice"],
  ["document", "file"],
  ["video", "other"],
  ["video_note", "other"],
  ["location", "other"],
  ["venue", "other"],
  ["contact", "other"],
  ["poll", "other"],
  ["dice", "other"],
  ["game", "other"],
  ["story", "other"],
];

/** The kind of a message, or undefined for service messages (member joined, title changed …). */
export function telegramKind(message: TgMessage): MessageKind | undefined {
  for (const [field, kind] of KIND_FIELDS) if (message[field] !== undefined) return kind;
  return typeof message.text === "string" ? "text" : undefined;
}

/** Telegram dates are Unix seconds; some emulators send milliseconds. */
export function telegramDate(date: number | undefined): Date {
  if (typeof date !== "number" || !Number.isFinite(date)) return new Date();
  return new Date(date < 1e11 ? date * 1000 : date);
}

/**
 * Splits text into pieces of at most `limit` UTF-16 units (what Telegram counts), preferring
 * paragraph breaks, then line breaks, then the end of a sentence; never inside a surrogate pair.
 */
export function splitText(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    let cut = -1;
    for (const [mark, keep] of [["\n\n", 0], ["\n", 0], ["。", 1], ["；", 1], ["，", 1], [" ", 0]] as const) {
      const at = window.lastIndexOf(mark);
      if (at >= limit / 2) {
        cut = at + keep;
        break;
      }
    }
    if (cut <= 0) {
      cut = limit;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1; // keep a surrogate pair together
    }
    const piece = rest.slice(0, cut).trimEnd();
    if (piece !== "") pieces.push(piece);
    rest = rest.slice(cut).replace(/^\s+/, "");
  }
  if (rest.trim() !== "" || pieces.length === 0) pieces.push(rest);
  return pieces;
}

interface ParsedCommand {
  name: string;
  /** `/start@SomeBot`: the bot it is addressed to. */
  bot?: string;
  args: string;
}

export function parseCommand(text: string): ParsedCommand | undefined {
  const match = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{3,64}))?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return undefined;
  return { name: match[1]!.toLowerCase(), ...(match[2] ? { bot: match[2] } : {}), args: (match[3] ?? "").trim() };
}

/**
 * Text for parse mode HTML: `**bold**` within a line becomes <b>bold</b> (as on the web page),
 * everything else is escaped. The result shows at most as many characters as the input has, so
 * a piece cut to Telegram's limit before this stays within it.
 */
export function toTelegramHtml(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      let html = "";
      let last = 0;
      for (const match of line.matchAll(/\*\*([^*\n]+?)\*\*/g)) {
        html += `${escapeHtml(line.slice(last, match.index))}<b>${escapeHtml(match[1]!)}</b>`;
        last = match.index + match[0].length;
      }
      return html + escapeHtml(line.slice(last));
    })
    .join("\n");
}

/** Telegram's error code of a failed API call (telegraf's TelegramError), if it is one. */
function telegramCode(error: unknown): number | undefined {
  const code = (error as { response?: { error_code?: unknown } } | undefined)?.response?.error_code;
  return typeof code === "number" ? code : undefined;
}

function retryAfterSeconds(error: unknown): number | undefined {
  if (telegramCode(error) !== 429) return undefined;
  const after = (error as { response?: { parameters?: { retry_after?: unknown } } }).response?.parameters?.retry_after;
  return typeof after === "number" && after >= 0 ? after : 1;
}

/** A fault worth trying again: the network, or Telegram's side (5xx). Not: a refused request (4xx). */
function isTransient(error: unknown): boolean {
  const code = telegramCode(error);
  if (code !== undefined) return code >= 500;
  const name = (error as { name?: unknown } | undefined)?.name;
  const errno = (error as { code?: unknown } | undefined)?.code;
  return name === "FetchError" || (typeof errno === "string" && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(errno));
}

function isAuthProblem(error: unknown): boolean {
  const code = telegramCode(error);
  return code === 401 || code === 404;
}

/** Where the webhook is served, from TELEGRAM_WEBHOOK_URL; a message when the address is unusable. */
export function webhookAddress(raw: string): { url: string; path: string } | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `TELEGRAM_WEBHOOK_URL is not an address: "${raw}" (e.g. https://bot.example.gov.cn${DEFAULT_WEBHOOK_PATH})`;
  }
  if (url.protocol !== "https:") return `TELEGRAM_WEBHOOK_URL must start with https:// — Telegram only posts to HTTPS (got "${raw}")`;
  if (url.pathname === "/" || url.pathname === "") url.pathname = DEFAULT_WEBHOOK_PATH;
  return { url: url.toString(), path: url.pathname };
}

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
    if (command) {
      if (command.bot && command.bot.toLowerCase() !== this.me?.username.toLowerCase()) return; // for another bot
      return this.onCommand(command, message, chatId, isGroup, replyTo);
    }

    const { text, mentioned } = this.withoutMentions(raw, kind === "text" ? message.entities : message.caption_entities);
    const sender = message.from ?? (message.sender_chat ? { id: Number(message.sender_chat.id), first_name: message.sender_chat.title } : undefined);
    const incoming: IncomingMessage = {
      channel: this.name,
      conversationId: chatId,
      senderId: String(sender?.id ?? chatId),
      ...(sender ? { senderName: nameOf(sender) } : {}),
      text,
      kind,
      isGroup,
      mentionsBot: !isGroup || mentioned || (this.me !== undefined && message.reply_to_message?.from?.id === this.me.id),
      receivedAt: telegramDate(message.date),
    };
    await this.handler!(incoming, (reply) => this.deliver(chatId, reply, replyTo));
  }

  /** Removes @-mentions of this bot from the text; says whether there was one. */
  private withoutMentions(text: string, entities: TgEntity[] | undefined): { text: string; mentioned: boolean } {
    const me = this.me;
    if (!me || !entities?.length) return { text: text.trim(), mentioned: false };
    const ours = entities
      .filter((e) => (e.type === "mention" && text.slice(e.offset, e.offset + e.length).toLowerCase() === `@${me.username.toLowerCase()}`) || (e.type === "text_mention" && e.user?.id === me.id))
      .sort((a, b) => b.offset - a.offset);
    let rest = text;
    for (const e of ours) rest = `${rest.slice(0, e.offset)} ${rest.slice(e.offset + e.length)}`;
    return { text: rest.replace(/\s+/g, " ").trim(), mentioned: ours.length > 0 };
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
    const incoming: IncomingMessage = {
      channel: this.name,
      conversationId: chatId,
      senderId: String(query.from.id),
      senderName: nameOf(query.from),
      text: pressed.text,
      kind: "text",
      isGroup,
      mentionsBot: true, // pressing the bot's own button is talking to the bot
      receivedAt: new Date(),
    };
    await this.handler!(incoming, (reply) => this.deliver(chatId, reply, isGroup ? query.message?.message_id : undefined));
  }

  private async onCommand(command: ParsedCommand, message: TgMessage, chatId: string, isGroup: boolean, replyTo: number | undefined): Promise<void> {
    const fromId = message.from ? String(message.from.id) : undefined;
    const isStaff = fromId !== undefined && this.staffIds.has(fromId);
    const bot = this.services.botConfig?.();
    switch (command.name) {
      case "start":
        return this.sendExamples(chatId, bot?.greeting ?? this.options.greeting ?? "您好！请直接输入您想咨询的问题。", bot, replyTo);
      case "help":
        return this.sendExamples(chatId, [bot?.help ?? "请直接用一句话输入您想咨询的问题。", ...(isStaff && !isGroup ? [STAFF_HELP] : [])].join("\n\n"), bot, replyTo);
      case "pending":
      case "reply": {
        const desk = this.services.staff;
        if (!isStaff) return this.sendText(chatId, NOT_STAFF_TEXT, undefined, replyTo);
        if (isGroup) return this.sendText(chatId, STAFF_PRIVATE_ONLY_TEXT, undefined, replyTo);
        if (!desk) return this.sendText(chatId, STAFF_UNAVAILABLE_TEXT);
        const answer = command.name === "pending" ? await pendingText(desk) : await replyText(desk, command.args);
        return this.sendText(chatId, answer);
      }
      default:
        return this.sendText(chatId, UNKNOWN_COMMAND_TEXT, undefined, replyTo);
    }
  }

  private sendExamples(chatId: string, text: string, bot: BotConfig | undefined, replyTo: number | undefined): Promise<void> {
    const examples = (bot?.examples ?? []).filter((e) => e.trim() !== "").slice(0, 10);
    if (examples.length === 0) return this.sendText(chatId, text, undefined, replyTo);
    const data = this.buttons.issue(chatId, "e", examples);
    const keyboard: InlineKeyboardMarkup = { inline_keyboard: examples.map((label, i) => [{ text: label, callback_data: data[i]! }]) };
    return this.sendText(chatId, `${text}\n\n${EXAMPLES_INTRO}`, keyboard, replyTo);
  }

  // ── outgoing ───────────────────────────────────────────────────────────────

  /** A Reply as Telegram messages: choices and feedback become inline buttons under the last piece. */
  private deliver(chatId: string, reply: Reply, replyTo?: number): Promise<void> {
    let keyboard: InlineKeyboardMarkup | undefined;
    const choices = reply.choices ?? [];
    if (choices.length > 0) {
      const data = this.buttons.issue(chatId, "c", choices.map((c) => c.label));
      keyboard = { inline_keyboard: choices.map((c, i) => [{ text: `${i + 1}. ${c.label}`, callback_data: data[i]! }]) };
    } else if (reply.feedback) {
      const data = this.buttons.issue(chatId, "f", [FEEDBACK_HELPFUL, FEEDBACK_UNHELPFUL]);
      keyboard = { inline_keyboard: [FEEDBACK_BUTTONS.map((text, i) => ({ text, callback_data: data[i]! }))] };
    }
    return this.sendText(chatId, reply.text, keyboard, replyTo);
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

  /**
   * One API call, tried again after network faults and 5xx (growing backoff) and after 429
   * (Telegram's retry_after). Refusals (400 bad request, 403 blocked by the user) fail at once.
   */
  private async withRetries<T>(what: string, call: () => Promise<T>): Promise<T> {
    const attempts = this.options.sendAttempts ?? 4;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        const after = retryAfterSeconds(error);
        const tooLong = after !== undefined && after * 1000 > (this.options.maxRetryAfterMs ?? 60_000);
        if (attempt >= attempts || tooLong || (after === undefined && !isTransient(error)) || this.abort.signal.aborted) {
          if (attempt > 1 || tooLong) this.report(`${what} failed for good after ${attempt} attempt(s): ${describeError(error)}`);
          throw error;
        }
        const wait = after !== undefined ? after * 1000 : backoff(attempt, this.options.retryDelayMs ?? 1000, this.options.maxRetryDelayMs ?? 30_000);
        this.report(`${what} failed (${describeError(error)}); retry ${attempt}/${attempts - 1} in ${(wait / 1000).toFixed(1)} s`);
        await sleep(wait, this.abort.signal);
      }
    }
  }

  private report(line: string): void {
    const report = this.options.report ?? this.services.report ?? toStderr;
    report(`talentbot: telegram: ${line}`);
  }
}

function nameOf(user: TgUser): string {
  return [user.first_name, user.last_name].filter(Boolean).join(" ") || (user.username ? `@${user.username}` : String(user.id));
}

async function pendingText(desk: StaffPort): Promise<string> {
  const open = await desk.list({ status: "open" });
  if (open.length === 0) return "目前没有待答复的问题。";
  const lines = open.slice(0, PENDING_SHOWN).map((g) => `${g.id} ×${g.count}  ${g.representative}`);
  const more = open.length > PENDING_SHOWN ? `\n……另有 ${open.length - PENDING_SHOWN} 组，请用 talentbot log list 查看。` : "";
  return `待答复的问题组（${open.length}）：\n${lines.join("\n")}${more}\n\n答复：/reply 问题组编号 答复内容`;
}

async function replyText(desk: StaffPort, args: string): Promise<string> {
  const match = /^(\S+)\s+([\s\S]+)$/.exec(args);
  if (!match) return REPLY_USAGE_TEXT;
  try {
    const result = await desk.reply(match[1]!, match[2]!.trim());
    const n = result.queued.length;
    return n > 0
      ? `已答复 ${result.group.id}：答复将发给 ${n} 位提问者。`
      : `已记录对 ${result.group.id} 的答复，但没有能收到它的提问者（会话信息已过保留期）。`;
  } catch (error) {
    // Staff read this in their chat: the desk's Chinese wording when it has one.
    return `未能答复：${staffWording(error) ?? describeError(error)}`;
  }
}

/** TELEGRAM_STAFF_IDS: numeric user ids separated by commas or spaces. */
export function parseStaffIds(raw: string | undefined): string[] | string {
  const ids = (raw ?? "").split(/[\s,;]+/).filter(Boolean);
  const bad = ids.filter((id) => !/^\d{1,20}$/.test(id));
  if (bad.length > 0) return `TELEGRAM_STAFF_IDS must be numeric Telegram user ids separated by commas (not "${bad.join(", ")}"); a user gets theirs from @userinfobot`;
  return ids;
}

/**
 * On when TELEGRAM_BOT_TOKEN is set. TELEGRAM_WEBHOOK_URL switches from long polling to a
 * webhook served by the bot's web server; TELEGRAM_WEBHOOK_SECRET fixes the secret token
 * (default: a new random one at every start); TELEGRAM_API_ROOT points at another Bot API
 * server; TELEGRAM_STAFF_IDS lists who may use /pending and /reply.
 */
export const telegramRegistration: ChannelRegistration = {
  name: "telegram",
  setup({ env, greeting }) {
    const token = env["TELEGRAM_BOT_TOKEN"]?.trim();
    if (!token) return { on: false, reason: "set TELEGRAM_BOT_TOKEN" };
    const staffIds = parseStaffIds(env["TELEGRAM_STAFF_IDS"]);
    if (typeof staffIds === "string") return { on: false, reason: staffIds };
    const apiRoot = env["TELEGRAM_API_ROOT"]?.trim() || undefined;
    if (apiRoot !== undefined && !/^https?:\/\/[^\s/]+/.test(apiRoot)) return { on: false, reason: `TELEGRAM_API_ROOT is not an http(s) address: "${apiRoot}"` };
    const webhookUrl = env["TELEGRAM_WEBHOOK_URL"]?.trim() || undefined;
    if (webhookUrl !== undefined) {
      const address = webhookAddress(webhookUrl);
      if (typeof address === "string") return { on: false, reason: address };
    }
    const webhookSecret = env["TELEGRAM_WEBHOOK_SECRET"]?.trim() || undefined;
    if (webhookSecret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(webhookSecret)) {
      return { on: false, reason: "TELEGRAM_WEBHOOK_SECRET may only hold A-Z, a-z, 0-9, _ and - (1-256 characters)" };
    }
    const channel = new TelegramChannel({
      token,
      staffIds,
      greeting,
      ...(apiRoot ? { apiRoot } : {}),
      ...(webhookUrl ? { webhookUrl } : {}),
      ...(webhookSecret ? { webhookSecret } : {}),
    });
    const staff = staffIds.length > 0 ? `staff ids ${staffIds.join(", ")}` : "no staff ids (TELEGRAM_STAFF_IDS)";
    const where = webhookUrl ? `${channel.mode} (POST ${channel.routes[0]!.path} on the bot's web server)` : "long polling";
    return { on: true, channel, routes: channel.routes, note: `${where}; ${staff}${apiRoot ? `; Bot API ${apiRoot}` : ""}` };
  },
};
