import { chmod, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Writable } from "node:stream";
import type { Contact, Message, Room, Wechaty, WechatyOptions } from "wechaty";
import type { Channel, ChannelRegistration, ChannelServices, MessageHandler } from "../core/channel.js";
import type { IncomingMessage, MessageKind, Reply } from "../core/message.js";
import { renderText } from "../core/render-text.js";
import { InFlight, KeyedQueue } from "../core/keyed-queue.js";
import { toStderr } from "../core/report.js";
import { describeError } from "./timing.js";

/**
 * WeChat (wechaty). Translation only: a wechaty Message → IncomingMessage, a Reply → text
 * (renderText: numbered choices, "回复 好 / 不好"). Platform concerns: login by QR code, rooms
 * (answer only when @-mentioned, reply with the @mention), and what not to answer at all —
 * the bot's own messages, messages from before login, official accounts and system notices —
 * and who is staff (TALENTBOT_WECHAT_STAFF; what staff may do is the core's). wechaty is loaded when the channel starts, so commands that do not run it stay fast.
 */

/** A wechaty puppet instance (tests: wechaty-puppet-mock's PuppetMock). */
export type WechatyPuppet = Exclude<NonNullable<WechatyOptions["puppet"]>, string>;

export interface WechatChannelOptions {
  /** Puppet package name (WECHATY_PUPPET), or a puppet instance. */
  puppet: string | WechatyPuppet;
  /** WECHATY_PUPPET_SERVICE_TOKEN, for wechaty-puppet-service. */
  puppetToken?: string;
  /**
   * Where the login session is kept, without extension (wechaty's memory card, `<this>.memory-card.json`),
   * so a restart can log in again without a new scan. Default `<dataDir>/wechat`; false: nowhere.
   */
  session?: string | false;
  /** Where the login QR code is drawn. Default stderr. */
  qrOutput?: Writable;
  /**
   * Contact ids whose messages the core treats as staff (/pending, /reply in a private chat):
   * TALENTBOT_WECHAT_STAFF. Default none.
   */
  staffIds?: readonly string[];
  /** Status lines; default: the running bot's report (stderr). */
  report?: (line: string) => void;
}

type WechatyModule = typeof import("wechaty");

/** Message types → kinds; types not listed (system notices, recalls, transfers, red envelopes, group notes) are not answered. */
function kindsOf({ types }: WechatyModule): ReadonlyMap<number, MessageKind> {
  const M = types.Message;
  return new Map<number, MessageKind>([
    [M.Text, "text"],
    [M.Image, "image"],
    [M.Audio, "voice"],
    [M.Emoticon, "sticker"],
    [M.Attachment, "file"],
    [M.Url, "other"], // a shared link
    [M.Video, "other"],
    [M.MiniProgram, "other"],
    [M.Location, "other"],
    [M.Contact, "other"], // a contact card
    [M.ChatHistory, "other"],
    [M.Post, "other"],
  ]);
}

/** Accounts WeChat itself writes from (team notices, news, …). */
const SYSTEM_ACCOUNTS = new Set(["weixin", "newsapp", "fmessage", "medianote", "floatbottle", "qmessage", "qqmail", "tmessage", "qqsync", "notifymessage"]);

/** A Reply as WeChat text: renderText (numbered choices, 回复 好 / 不好); WeChat shows no Markdown, so **bold** loses its stars. */
export function wechatText(reply: Reply): string {
  return renderText(reply).replace(/(?<!\*)\*\*([^*\n]+?)\*\*(?!\*)/g, "$1");
}

export class WechatChannel implements Channel {
  readonly name = "wechat";
  private bot: Wechaty | undefined;
  private sdk: WechatyModule | undefined;
  private kinds: ReadonlyMap<number, MessageKind> = new Map();
  private handler: MessageHandler | undefined;
  private services: ChannelServices = {};
  private loggedInAt: Date | undefined;
  private readonly inFlight = new InFlight();
  /** Per conversation, so that a message's translation cannot overtake the previous one's. */
  private readonly order = new KeyedQueue(this.inFlight);
  private closing = false;
  private stopping: Promise<void> | undefined;
  private readonly staffIds: ReadonlySet<string>;

  constructor(private readonly options: WechatChannelOptions) {
    this.staffIds = new Set(options.staffIds ?? []);
  }

  /** The running wechaty (after start), e.g. to watch its events. */
  get wechaty(): Wechaty | undefined {
    return this.bot;
  }

  async start(handler: MessageHandler, services: ChannelServices = {}): Promise<void> {
    if (this.bot) throw new Error("the WeChat channel is already started");
    this.handler = handler;
    this.services = services;
    const sdk = await import("wechaty");
    this.sdk = sdk;
    this.kinds = kindsOf(sdk);
    const session = this.options.session ?? (services.dataDir ? join(services.dataDir, "wechat") : false);
    if (session) await keepPrivate(`${session}.memory-card.json`);
    const { puppet, puppetToken } = this.options;
    const options = {
      ...(session ? { name: session } : {}),
      ...(typeof puppet === "string" ? { puppet, ...(puppetToken ? { puppetOptions: { token: puppetToken } } : {}) } : { puppet }),
    } as WechatyOptions;
    const bot = sdk.WechatyBuilder.build(options);
    bot.on("scan", (qrcode, status) => void this.onScan(qrcode, status));
    bot.on("login", (user) => {
      this.loggedInAt ??= new Date();
      this.report(`logged in as ${user.name()}`);
    });
    bot.on("logout", (user, reason) => {
      this.loggedInAt = undefined;
      this.report(`logged out (${user.name()}${reason ? `: ${reason}` : ""}); a new QR code follows to log in again`);
    });
    bot.on("error", (error) => this.report(`error: ${describeError(error)}`));
    bot.on("message", (message) => this.onMessage(message));
    this.bot = bot;
    await bot.start();
    // The puppet says "logged in" a moment before wechaty does (wechaty first loads the
    // account): messages from that moment on are new, not history synced at login.
    bot.puppet.on("login", () => {
      this.loggedInAt = new Date();
    });
    this.report(`started with ${typeof puppet === "string" ? puppet : "a puppet instance"}; waiting for login${session ? ` (session kept in ${session}.memory-card.json)` : ""}`);
  }

  async send(conversationId: string, reply: Reply): Promise<void> {
    const bot = this.bot;
    if (!bot?.isLoggedIn) throw new Error("WeChat is not logged in");
    const [type, ...rest] = conversationId.split(":");
    const id = rest.join(":");
    const text = wechatText(reply);
    if (type === "room") {
      const room = await bot.Room.find({ id });
      if (!room) throw new Error(`WeChat room ${id} not found (the bot may have left it)`);
      await room.say(text);
    } else if (type === "contact") {
      const contact = await bot.Contact.find({ id });
      if (!contact) throw new Error(`WeChat contact ${id} not found`);
      await contact.say(text);
    } else {
      throw new Error(`not a WeChat conversation: "${conversationId}"`);
    }
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.closing = true; // nothing new; replies to messages in hand still go out
      await this.inFlight.idle();
      await this.bot?.stop();
    })();
    return this.stopping;
  }

  private onScan(qrcode: string, status: number): void {
    const { ScanStatus } = this.sdk!;
    if (status === ScanStatus.Waiting || status === ScanStatus.Timeout) {
      this.report("scan this QR code with WeChat on the phone of the bot's account (Me → scan), then confirm the login:");
      void import("qrcode-terminal").then(({ default: qr }) => {
        qr.generate(qrcode, { small: true }, (drawing) => (this.options.qrOutput ?? process.stderr).write(`${drawing}\n`));
      });
    } else if (status === ScanStatus.Scanned) {
      this.report("QR code scanned; confirm the login on the phone");
    }
  }

  private onMessage(message: Message): void {
    if (this.closing) return;
    const room = message.room();
    const talker = message.talker();
    const key = room ? `room:${room.id}` : `contact:${talker.id}`;
    void this.order.run(key, () => this.translate(message, room, talker, key).catch((error: unknown) => this.report(`could not handle a message in ${key}: ${describeError(error)}`)));
  }

  /** Hands the message to the core (without waiting for its answer), or drops it. */
  private async translate(message: Message, room: Room | undefined, talker: Contact, conversationId: string): Promise<void> {
    if (message.self()) return;
    const kind = this.kinds.get(message.type());
    if (kind === undefined) return; // system notices, recalls, transfers, red envelopes
    if (!this.loggedInAt || message.date().getTime() < this.loggedInAt.getTime()) return; // synced history from before login
    if (talker.type() === this.sdk!.types.Contact.Official || SYSTEM_ACCOUNTS.has(talker.id)) return;

    let text = kind === "text" ? message.text() : "";
    let mentioned = false;
    if (room && kind === "text") {
      mentioned = await message.mentionSelf();
      if (mentioned) text = await message.mentionText();
    }
    const incoming: IncomingMessage = {
      channel: this.name,
      conversationId,
      senderId: talker.id,
      senderName: talker.name(),
      text: text.trim(),
      kind,
      isGroup: room !== undefined,
      mentionsBot: room === undefined || mentioned,
      ...(this.staffIds.has(talker.id) ? { isStaff: true } : {}),
      receivedAt: message.date(),
    };
    const say = room ? (reply: Reply) => room.say(wechatText(reply), talker) : (reply: Reply) => talker.say(wechatText(reply));
    void this.inFlight.track(
      this.handler!(incoming, async (reply) => {
        await say(reply);
      }),
    );
  }

  private report(line: string): void {
    const report = this.options.report ?? this.services.report ?? toStderr;
    report(`talentbot: wechat: ${line}`);
  }
}

/** TALENTBOT_WECHAT_STAFF: WeChat contact ids separated by commas or spaces. */
export function parseWechatStaffIds(raw: string | undefined): string[] {
  return [...new Set((raw ?? "").split(/[\s,;，；]+/).filter(Boolean))];
}

/**
 * On when WECHATY_PUPPET names a puppet package that is installed: wechaty-puppet-wechat4u
 * (web WeChat protocol, ships with wechaty) or wechaty-puppet-service (a hosted puppet; needs
 * WECHATY_PUPPET_SERVICE_TOKEN). TALENTBOT_WECHAT_STAFF lists the contact ids of staff.
 */
export const wechatRegistration: ChannelRegistration = {
  name: "wechat",
  setup({ env }) {
    const puppet = env["WECHATY_PUPPET"]?.trim();
    if (!puppet) return { on: false, reason: "set WECHATY_PUPPET (e.g. wechaty-puppet-wechat4u)" };
    const token = env["WECHATY_PUPPET_SERVICE_TOKEN"]?.trim() || undefined;
    if (puppet === "wechaty-puppet-service" && !token) return { on: false, reason: "WECHATY_PUPPET=wechaty-puppet-service needs WECHATY_PUPPET_SERVICE_TOKEN" };
    if (!installed(puppet)) return { on: false, reason: `WECHATY_PUPPET=${puppet} is not installed (npm install ${puppet}), or use wechaty-puppet-wechat4u` };
    const staffIds = parseWechatStaffIds(env["TALENTBOT_WECHAT_STAFF"]);
    const staff = staffIds.length > 0 ? `staff ids ${staffIds.join(", ")}` : "no staff ids (TALENTBOT_WECHAT_STAFF)";
    return {
      on: true,
      channel: new WechatChannel({ puppet, ...(token ? { puppetToken: token } : {}), ...(staffIds.length > 0 ? { staffIds } : {}) }),
      note: `${puppet}; ${staff}; log in by scanning the QR code printed below`,
    };
  },
};

/** Whether a package can be loaded from here (an ESM-only package still "resolves" as not exported). */
function installed(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === "ERR_PACKAGE_PATH_NOT_EXPORTED";
  }
}

/**
 * The memory card is the WeChat login: readable by the bot's user only. memory-card writes it
 * with fs.writeFile, which keeps an existing file's mode, so it is created here first, 0600,
 * holding the empty card memory-card itself would start with.
 */
async function keepPrivate(file: string): Promise<void> {
  try {
    await writeFile(file, "{}", { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    await chmod(file, 0o600);
  }
}
