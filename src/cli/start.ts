import { createHash } from "node:crypto";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { HttpRoute } from "../app/http-routes.js";
import { BotRuntime } from "../app/runtime.js";
import { CHANNELS, consoleRegistration, type ChannelEnvironment, type ChannelRegistration } from "../channels/index.js";
import { ConsoleChannel } from "../channels/console.js";
import { WebChannel, webListen } from "../channels/web.js";
import type { Channel } from "../core/channel.js";
import { loadKnowledge } from "../knowledge/load.js";
import { PgStore } from "../log/pg-store.js";
import { ChatHistory, type ChatStore } from "../web/chat-history.js";
import { PgChatHistory } from "../web/pg-chat-history.js";
import { WebServer } from "../web/server.js";
import { parseTrustProxy } from "../web/security.js";
import { resolveStaffToken } from "../web/staff-auth.js";
import { UsageError, type Output } from "./output.js";
import { databaseUrl, dataDir, knowledgeDir } from "./paths.js";

/** The web chat's conversations in the data directory. */
export const CHAT_HISTORY_FILE = "web-chat.json";

/** `talentbot start`: every registered channel that is on. */
export function startCommand(args: string[], io: Output): Promise<number> {
  return runBot(args, io, CHANNELS, "start");
}

/** `talentbot chat`: the console channel only, whatever TALENTBOT_CONSOLE says. */
export function chatCommand(args: string[], io: Output): Promise<number> {
  const alwaysOn: ChannelRegistration = { name: "console", setup: (environment) => consoleRegistration.setup({ ...environment, env: {} }) };
  return runBot(args, io, [alwaysOn], "chat");
}

async function runBot(args: string[], io: Output, registrations: readonly ChannelRegistration[], command: string): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { knowledge: { type: "string" }, "data-dir": { type: "string" } } });
  if (positionals.length > 0) throw new UsageError(`${command} takes no arguments (got "${positionals.join(" ")}")`);
  const knowledge = knowledgeDir(values.knowledge);
  const data = dataDir(values["data-dir"]);
  const database = databaseUrl();

  // Read once here for the greeting and the summary; the runtime loads its own (watched) copy.
  const kb = await loadKnowledge(knowledge);
  const environment: ChannelEnvironment = { env: process.env, stdin: process.stdin, stdout: process.stdout, greeting: kb.bot.greeting };
  const channels: Channel[] = [];
  const routes: HttpRoute[] = [];
  const lines: string[] = [];
  for (const registration of registrations) {
    const setup = registration.setup(environment);
    lines.push(`  ${registration.name.padEnd(10)} ${setup.on ? "on " : "off"}  ${setup.on ? setup.note : setup.reason}`);
    if (setup.on) {
      channels.push(setup.channel);
      routes.push(...(setup.routes ?? []));
    }
  }
  io.err(`talentbot: knowledge ${knowledge} — ${kb.faqs.length} FAQ entries, ${kb.policies.length} policy documents`);
  io.err(`talentbot: channels:\n${lines.join("\n")}`);
  if (channels.length === 0) {
    io.err("talentbot: no channel is on, so there is nothing to run. Turn one on (see the reasons above) and start again.");
    return 1;
  }

  const exclusive = database ? replicaRules(channels, process.env) : [];
  if (typeof exclusive === "string") {
    io.err(`talentbot: ${exclusive}`);
    return 1;
  }

  io.err(`talentbot: Ctrl+C stops the bot (every channel)${channels.every((c) => c.ended) ? "; it also stops when its input ends" : ""}`);
  // The console's greeting and "> " wait for the start lines below (web address, token).
  let startLinesPrinted: () => void = () => {};
  const consoleChannel = channels.find((c): c is ConsoleChannel => c instanceof ConsoleChannel);
  consoleChannel?.holdPrompt(new Promise<void>((resolve) => (startLinesPrinted = resolve)));
  // The web channel keeps its conversations (and staff replies not yet seen) in the data directory,
  // or with DATABASE_URL in the database that every replica shares; attached before the bot
  // starts, as the outbox may deliver at once.
  const webChannel = channels.find((c): c is WebChannel => c instanceof WebChannel);
  let history: ChatStore | undefined;
  if (webChannel) {
    const onError = (line: string) => io.err(`talentbot: ${line}`);
    history = database
      ? await PgChatHistory.open(await PgStore.open(database, { max: 4, onIdleError: onError }), { onError })
      : await ChatHistory.open({ file: join(data, CHAT_HISTORY_FILE), onError });
    webChannel.attach(history);
  }
  // Handlers first: a SIGTERM that arrives while the bot starts (a service manager, a test reading
  // the start lines) must stop it cleanly, not kill it with the lock file left behind.
  let signals = 0;
  let resolveSignal: (signal: string) => void = () => {};
  const signalled = new Promise<string>((resolve) => (resolveSignal = resolve));
  const onSignal = (signal: string) => {
    // A second Ctrl+C while stopping means "now": the lock is taken over at the next start.
    if (++signals > 1) process.exit(130);
    resolveSignal(signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let runtime: BotRuntime;
  try {
    runtime = await BotRuntime.start({ knowledgeDir: knowledge, dataDir: data, channels, report: (line) => io.err(line), ...(database ? { databaseUrl: database, exclusive } : {}) });
  } catch (error) {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await history?.close().catch(() => undefined);
    throw error;
  }

  // One web server for the chat page, the staff console and the channels' HTTP routes (webhooks).
  let web: WebServer | undefined;
  let stopping = false;
  if (webChannel || routes.length > 0) {
    try {
      const listen = webChannel?.listen ?? webListen(process.env);
      if (typeof listen === "string") throw new Error(listen);
      const staff = webChannel ? await resolveStaffToken(data, process.env, (line) => io.err(line)) : undefined;
      // Behind a reverse proxy: client addresses (rate limits) and https (Secure cookie) from X-Forwarded-*, believed only from the named proxies.
      const proxies = parseTrustProxy(process.env["TALENTBOT_TRUST_PROXY"]);
      if ("error" in proxies) throw new Error(proxies.error);
      const trustProxy = proxies.trust;
      web = await WebServer.start({ ...listen, runtime, routes, trustProxy, report: (line) => io.err(line), ...(webChannel && history ? { channel: webChannel, history } : {}), ...(staff ? { staffToken: staff.token } : {}) });
      // One write: whoever reads the log (a person, a supervisor, a test) sees the address and the token together.
      const lines: string[] = [];
      if (webChannel) lines.push(`talentbot: web chat ${web.url}/ — staff console ${web.url}/admin`);
      if (routes.length > 0) lines.push(`talentbot: HTTP routes for channels: ${routes.map((r) => `${r.method} ${web!.url}${r.path}`).join(", ")}`);
      if (staff?.generated) lines.push(`talentbot: staff console token (generated now, stored in ${staff.source}; shown only this once): ${staff.token}`);
      else if (staff) lines.push(`talentbot: staff console token: ${staff.source === "ADMIN_TOKEN" ? "ADMIN_TOKEN" : `in ${staff.source}`}`);
      if (lines.length > 0) io.err(lines.join("\n"));
    } catch (error) {
      io.err(`talentbot: the web server could not start: ${error instanceof Error ? error.message : String(error)}`);
      await runtime.stop();
      await history?.close();
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      process.stdin.destroy();
      return 1;
    }
    const webUrlNow = web.url;
    for (const channel of channels) {
      void channel.ended?.then(() => stopping || io.err(`talentbot: ${channel.name} ended; still serving ${webUrlNow} (Ctrl+C stops the bot)`));
    }
  }

  startLinesPrinted();

  // Ctrl+C at the console's terminal reaches readline, not the process: the same stop.
  consoleChannel?.onInterrupt(() => onSignal("Ctrl+C"));
  const why = await Promise.race([runtime.ended.then(() => "all channels ended"), signalled]);
  stopping = true;
  io.err(`talentbot: stopping (${why})`);
  await web?.close();
  await runtime.stop();
  await history?.close();
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  // The console's readline leaves stdin paused but open, which would keep the process alive.
  process.stdin.destroy();
  io.err("talentbot: stopped");
  return 0;
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
