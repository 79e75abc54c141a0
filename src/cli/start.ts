import { parseArgs } from "node:util";
import { BotRuntime } from "../app/runtime.js";
import { CHANNELS, consoleRegistration, type ChannelEnvironment, type ChannelRegistration } from "../channels/index.js";
import type { Channel } from "../core/channel.js";
import { loadKnowledge } from "../knowledge/load.js";
import { UsageError, type Output } from "./output.js";
import { dataDir, knowledgeDir } from "./paths.js";

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

  // Read once here for the greeting and the summary; the runtime loads its own (watched) copy.
  const kb = await loadKnowledge(knowledge);
  const environment: ChannelEnvironment = { env: process.env, stdin: process.stdin, stdout: process.stdout, greeting: kb.bot.greeting };
  const channels: Channel[] = [];
  const lines: string[] = [];
  for (const registration of registrations) {
    const setup = registration.setup(environment);
    lines.push(`  ${registration.name.padEnd(10)} ${setup.on ? "on " : "off"}  ${setup.on ? setup.note : setup.reason}`);
    if (setup.on) channels.push(setup.channel);
  }
  io.err(`talentbot: knowledge ${knowledge} — ${kb.faqs.length} FAQ entries, ${kb.policies.length} policy documents`);
  io.err(`talentbot: channels:\n${lines.join("\n")}`);
  if (channels.length === 0) {
    io.err("talentbot: no channel is on, so there is nothing to run. Turn one on (see the reasons above) and start again.");
    return 1;
  }

  io.err(`talentbot: Ctrl+C stops the bot${channels.every((c) => c.ended) ? "; it also stops when its input ends" : ""}`);
  const runtime = await BotRuntime.start({ knowledgeDir: knowledge, dataDir: data, channels, report: (line) => io.err(line) });

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
  const why = await Promise.race([runtime.ended.then(() => "all channels ended"), signalled]);
  io.err(`talentbot: stopping (${why})`);
  await runtime.stop();
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  // The console's readline leaves stdin paused but open, which would keep the process alive.
  process.stdin.destroy();
  io.err("talentbot: stopped");
  return 0;
}
