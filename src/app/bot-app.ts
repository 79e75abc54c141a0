import { createHash } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { ConsoleChannel } from "../channels/console.js";
import type { Channel, ChannelEnvironment, ChannelRegistration, HttpRoute } from "../core/channel.js";
import { loadKnowledge } from "../knowledge/load.js";
import { PgStore } from "../log/pg-store.js";
import { WebChannel, webListen } from "../web/channel.js";
import { ChatHistory, type ChatStore } from "../web/chat-history.js";
import { PgChatHistory } from "../web/pg-chat-history.js";
import { parseTrustProxy } from "../web/security.js";
import { WebServer } from "../web/server.js";
import { resolveStaffToken } from "../web/staff-auth.js";
import { BotRuntime, runningLine } from "./runtime.js";

/** The web chat's conversations in the data directory. */
export const CHAT_HISTORY_FILE = "web-chat.json";

export interface BotAppOptions {
  knowledgeDir: string;
  dataDir: string;
  /** PostgreSQL connection string (DATABASE_URL): the question log and the web chat's conversations live there. */
  databaseUrl?: string;
  /** The channels to consider; each reads its own settings from `env` and is on or off. */
  registrations: readonly ChannelRegistration[];
  env: NodeJS.ProcessEnv;
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable;
  /** The operator's lines (start-up summary, warnings, failures): the one reporter of the running bot. */
  report: (line: string) => void;
}

/** The bot cannot start for a reason the operator fixes; the message says which and how. */
export class StartRefused extends Error {
  override readonly name = "StartRefused";
}

/**
 * The composition root: the one place that assembles a running talentbot from its layers. It
 * turns on the channels whose settings are present, starts the runtime (engine, question log,
 * conversation pipeline, outbox, staff desk, admin endpoint: src/app/runtime.ts), and serves
 * the web chat, the staff console and the channels' HTTP routes from one web server that works
 * on the runtime's own desk. `talentbot start` only parses flags and the environment and calls it.
 */
export class BotApp {
  private stopping: Promise<void> | undefined;
  private closing = false;

  private constructor(
    readonly runtime: BotRuntime,
    readonly web: WebServer | undefined,
    private readonly history: ChatStore | undefined,
    /** The console channel when it is on (its prompt waits for `promptReady`, Ctrl+C at it is a stop). */
    readonly console: ConsoleChannel | undefined,
    private readonly releasePrompt: () => void,
  ) {}

  /** Settles when every channel that can end by itself has ended (never, if one cannot). */
  get ended(): Promise<void> {
    return this.runtime.ended;
  }

  /**
   * Starts everything, reporting as it goes. Throws StartRefused (nothing is left running) when
   * the settings do not allow a start, and whatever BotRuntime.start throws (KnowledgeError …).
   */
  static async start(options: BotAppOptions): Promise<BotApp> {
    const { report, env } = options;
    // Read once here for the greeting and the summary; the runtime loads its own (watched) copy.
    const kb = await loadKnowledge(options.knowledgeDir);
    const environment: ChannelEnvironment = { env, stdin: options.stdin, stdout: options.stdout, greeting: kb.bot.greeting };
    const channels: Channel[] = [];
    const routes: HttpRoute[] = [];
    const lines: string[] = [];
    for (const registration of options.registrations) {
      const setup = registration.setup(environment);
      lines.push(`  ${registration.name.padEnd(10)} ${setup.on ? "on " : "off"}  ${setup.on ? setup.note : setup.reason}`);
      if (setup.on) {
        channels.push(setup.channel);
        routes.push(...(setup.routes ?? []));
      }
    }
    report(`talentbot: knowledge ${options.knowledgeDir} — ${kb.faqs.length} FAQ entries, ${kb.policies.length} policy documents`);
    report(`talentbot: channels:\n${lines.join("\n")}`);
    if (channels.length === 0) throw new StartRefused("no channel is on, so there is nothing to run. Turn one on (see the reasons above) and start again.");

    const database = options.databaseUrl;
    const exclusive = database ? replicaRules(channels, env) : [];
    if (typeof exclusive === "string") throw new StartRefused(exclusive);

    report(`talentbot: Ctrl+C stops the bot (every channel)${channels.every((c) => c.ended) ? "; it also stops when its input ends" : ""}`);
    // The console's greeting and "> " wait for the start lines (web address, token).
    let releasePrompt: () => void = () => {};
    const consoleChannel = channels.find((c): c is ConsoleChannel => c instanceof ConsoleChannel);
    consoleChannel?.holdPrompt(new Promise<void>((resolve) => (releasePrompt = resolve)));
    // The web channel keeps its conversations (and staff replies not yet seen) in the data directory,
    // or with DATABASE_URL in the database that every replica shares; attached before the bot
    // starts, as the outbox may deliver at once.
    const webChannel = channels.find((c): c is WebChannel => c instanceof WebChannel);
    let history: ChatStore | undefined;
    if (webChannel) {
      history = database ? await PgChatHistory.open(await PgStore.open(database, { max: 4, report }), { report }) : await ChatHistory.open({ file: join(options.dataDir, CHAT_HISTORY_FILE), report });
      webChannel.attach(history);
    }
    let runtime: BotRuntime;
    try {
      runtime = await BotRuntime.start({
        knowledgeDir: options.knowledgeDir,
        dataDir: options.dataDir,
        channels,
        report,
        announceRunning: false,
        ...(database ? { databaseUrl: database, exclusive } : {}),
      });
    } catch (error) {
      await history?.close().catch(() => undefined);
      throw error;
    }

    // One web server for the chat page, the staff console and the channels' HTTP routes (webhooks).
    let web: WebServer | undefined;
    if (webChannel || routes.length > 0) {
      let staff: Awaited<ReturnType<typeof resolveStaffToken>> | undefined;
      try {
        const listen = webChannel?.listen ?? webListen(env);
        if (typeof listen === "string") throw new Error(listen);
        staff = webChannel ? await resolveStaffToken(options.dataDir, env, report) : undefined;
        // Behind a reverse proxy: client addresses (rate limits) and https (Secure cookie) from X-Forwarded-*, believed only from the named proxies.
        const proxies = parseTrustProxy(env["TALENTBOT_TRUST_PROXY"]);
        if ("error" in proxies) throw new Error(proxies.error);
        web = await WebServer.start({
          ...listen,
          runtime,
          routes,
          trustProxy: proxies.trust,
          report,
          ...(webChannel && history ? { channel: webChannel, history } : {}),
          ...(staff ? { staffToken: staff.token } : {}),
        });
        const url = web.url;
        // One line to the operator: whoever reads the log (a person, a supervisor, a test) sees the address and the token together.
        const lines: string[] = [];
        if (webChannel) lines.push(`talentbot: web chat ${url}/ — staff console ${url}/admin`);
        if (routes.length > 0) lines.push(`talentbot: HTTP routes for channels: ${routes.map((r) => `${r.method} ${url}${r.path}`).join(", ")}`);
        if (staff?.generated) lines.push(`talentbot: staff console token (generated now, stored in ${staff.source}; shown only this once): ${staff.token}`);
        else if (staff) lines.push(`talentbot: staff console token: ${staff.source === "ADMIN_TOKEN" ? "ADMIN_TOKEN" : `in ${staff.source}`}`);
        if (lines.length > 0) report(lines.join("\n"));
      } catch (error) {
        // A token generated for a server that never listened was never shown: the next start makes and prints a new one.
        if (staff?.generated) await rm(staff.source, { force: true }).catch(() => undefined);
        await runtime.stop();
        await history?.close();
        throw new StartRefused(`the web server could not start: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    report(runningLine());
    const app = new BotApp(runtime, web, history, consoleChannel, releasePrompt);
    if (web) {
      const url = web.url;
      for (const channel of channels) {
        void channel.ended?.then(() => app.closing || report(`talentbot: ${channel.name} ended; still serving ${url} (Ctrl+C stops the bot)`));
      }
    }
    return app;
  }

  /** The start lines are out: the console may greet and prompt. */
  promptReady(): void {
    this.releasePrompt();
  }

  /** Stops the web server, then the runtime (channels, outbox, log), then the web chat's store. Safe to call twice. */
  stop(): Promise<void> {
    this.closing = true;
    this.stopping ??= (async () => {
      await this.web?.close();
      await this.runtime.stop();
      await this.history?.close();
    })();
    return this.stopping;
  }
}

/**
 * What several replicas on one database must not do at once. Telegram hands updates to one
 * long-polling client only (the others get 409 Conflict), so with DATABASE_URL only one
 * replica may poll a token: it takes a database lock, and a second replica is refused. A
 * webhook needs the same secret on every replica (each start registers it). Returns the locks
 * to hold, or why the start is refused.
 */
export function replicaRules(channels: readonly Channel[], env: NodeJS.ProcessEnv): { lock: string; refusal: string }[] | string {
  const token = env["TELEGRAM_BOT_TOKEN"]?.trim();
  if (!token || !channels.some((c) => c.name === "telegram")) return [];
  if (env["TELEGRAM_WEBHOOK_URL"]?.trim()) {
    if (!env["TELEGRAM_WEBHOOK_SECRET"]?.trim()) {
      return (
        "telegram: with DATABASE_URL (several replicas) set TELEGRAM_WEBHOOK_SECRET, the same on every replica: each start registers the webhook with its secret, " +
        "and a random secret per replica would make Telegram's posts to the other replicas fail (401)."
      );
    }
    return [];
  }
  const key = createHash("sha256").update(token).digest("hex").slice(0, 16);
  return [
    {
      lock: `telegram-long-polling:${key}`,
      refusal:
        "telegram: another talentbot replica on this database already long-polls this bot token, and Telegram gives updates to one poller only. " +
        "With several replicas use webhook mode (set TELEGRAM_WEBHOOK_URL and the same TELEGRAM_WEBHOOK_SECRET on every replica, behind the load balancer), " +
        "or turn telegram off on this replica (unset TELEGRAM_BOT_TOKEN).",
    },
  ];
}
