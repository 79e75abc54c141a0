import { parseArgs } from "node:util";
import { BotApp, StartRefused } from "../app/bot-app.js";
import { CHANNELS, consoleRegistration } from "../app/channels.js";
import type { ChannelRegistration } from "../core/channel.js";
import { UsageError, type Output } from "./output.js";
import { databaseUrl, dataDir, knowledgeDir } from "./paths.js";

/** `talentbot start`: every registered channel that is on. */
export function startCommand(args: string[], io: Output): Promise<number> {
  return runBot(args, io, CHANNELS, "start");
}

/** `talentbot chat`: the console channel only, whatever TALENTBOT_CONSOLE says. */
export function chatCommand(args: string[], io: Output): Promise<number> {
  const alwaysOn: ChannelRegistration = { name: "console", setup: (environment) => consoleRegistration.setup({ ...environment, env: {} }) };
  return runBot(args, io, [alwaysOn], "chat");
}

/** Flags and environment in, the composition root (src/app/bot-app.ts) started, signals handled. */
async function runBot(args: string[], io: Output, registrations: readonly ChannelRegistration[], command: string): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { knowledge: { type: "string" }, "data-dir": { type: "string" } } });
  if (positionals.length > 0) throw new UsageError(`${command} takes no arguments (got "${positionals.join(" ")}")`);
  const database = databaseUrl();

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
  const release = () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let app: BotApp;
  try {
    app = await BotApp.start({
      knowledgeDir: knowledgeDir(values.knowledge),
      dataDir: dataDir(values["data-dir"]),
      ...(database ? { databaseUrl: database } : {}),
      registrations,
      env: process.env,
      stdin: process.stdin,
      stdout: process.stdout,
      report: (line) => io.err(line),
    });
  } catch (error) {
    release();
    if (!(error instanceof StartRefused)) throw error;
    io.err(`talentbot: ${error.message}`);
    process.stdin.destroy();
    return 1;
  }
  app.promptReady();

  // Ctrl+C at the console's terminal reaches readline, not the process: the same stop.
  app.console?.onInterrupt(() => onSignal("Ctrl+C"));
  const why = await Promise.race([app.ended.then(() => "all channels ended"), signalled]);
  io.err(`talentbot: stopping (${why})`);
  await app.stop();
  release();
  // The console's readline leaves stdin paused but open, which would keep the process alive.
  process.stdin.destroy();
  io.err("talentbot: stopped");
  return 0;
}
