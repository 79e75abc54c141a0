import { join } from "node:path";
import { AdminServer } from "../admin/server.js";
import type { Bot, BotOptions } from "../core/bot.js";
import type { Channel, ChannelServices } from "../core/channel.js";
import type { BuildOptions } from "../core/build-engine.js";
import { LiveEngine, reportReload } from "../core/live-engine.js";
import { OutboxDispatcher, type OutboxOptions } from "../core/outbox.js";
import { createBot } from "../core/pipeline.js";
import { toStderr } from "../core/report.js";
import { ELIGIBILITY_COUNTS_FILE, EligibilityTally, type EligibilityCounter } from "../core/eligibility/tally.js";
import { PgEligibilityCounts } from "../log/pg-eligibility-counts.js";
import { PgStore } from "../log/pg-store.js";
import { analyzerSimilarity } from "../core/similarity.js";
import { QuestionLog } from "../log/question-log.js";
import { LogDesk } from "../staff/desk.js";
import { appendErrorRecord } from "./error-record.js";

export { reportReload };

export interface RuntimeOptions {
  knowledgeDir: string;
  /** Holds questions.json (embedded log), admin.json and errors.jsonl. */
  dataDir: string;
  /** PostgreSQL connection string (DATABASE_URL): the question log lives there, shared by every replica. */
  databaseUrl?: string;
  /**
   * Named locks this process must hold while it runs when the log is shared (PostgreSQL): e.g.
   * only one replica may long-poll a Telegram token. The start fails with `refusal` when another
   * process holds one.
   */
  exclusive?: { lock: string; refusal: string }[];
  /** The channels to run; each is started with the bot and stopped with it. */
  channels: Channel[];
  /** How the answering engine is built (engine options, embedder, vector cache). */
  build?: Partial<Omit<BuildOptions, "report">>;
  /** Refit a stale model.json in the background after an edit (default true; see LiveEngineOptions). */
  refitInBackground?: boolean;
  /** Print "running (pid …)" once the channels are started. Default true; BotApp prints it itself once its web server listens too. */
  announceRunning?: boolean;
  /** Conversation settings (rate limit, message length, …); see BotOptions for defaults. */
  bot?: Omit<BotOptions, "engine" | "log" | "report" | "eligibility" | "staff">;
  outbox?: Omit<OutboxOptions, "report">;
  /** Reload the knowledge base when its files change. Default true. */
  watchKnowledge?: boolean;
  /** Start the admin endpoint (staff commands from the CLI). Default true. */
  admin?: boolean;
  /** Status lines and warnings for the operator. Default: stderr. */
  report?: (line: string) => void;
}

/** Repeated identical messages (a full disk fails every write) are reported once a minute. */
const REPEAT_QUIET_MS = 60_000;

/**
 * The running bot: knowledge (reloaded on change), question log (the only writer of its
 * file), conversation pipeline, channels, outbox delivery and the admin endpoint, started
 * and stopped together.
 */
export class BotRuntime {
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly bot: Bot,
    readonly log: QuestionLog,
    readonly live: LiveEngine,
    readonly outbox: OutboxDispatcher,
    /** What staff can do on this bot's log: the one desk of the process (admin endpoint, staff console, staff chat commands). */
    readonly desk: LogDesk,
    readonly channels: readonly Channel[],
    readonly admin: AdminServer | undefined,
    /** Settles when every channel that can end by itself has ended (never, if one cannot). */
    readonly ended: Promise<void>,
  ) {}

  /** Starts everything; throws KnowledgeError or QuestionLogError when the bot cannot run. */
  static async start(options: RuntimeOptions): Promise<BotRuntime> {
    const report = options.report ?? toStderr;
    const reportQuietly = quietRepeats(report);
    const live = await LiveEngine.open(options.knowledgeDir, {
      build: { ...options.build, report: (line) => report(`talentbot: ${line}`) },
      ...(options.refitInBackground === false ? { refitInBackground: false } : {}),
    });
    const log = await QuestionLog.open({
      dataDir: options.dataDir,
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
      similarity: analyzerSimilarity(() => live.engine.analyzer),
      retentionDays: live.engine.kb.bot.retentionDays,
      report: reportQuietly,
    });
    for (const warning of log.warnings) report(`talentbot: WARNING: ${warning}`);
    if (log.shared) {
      for (const { lock, refusal } of options.exclusive ?? []) {
        let held: boolean;
        try {
          held = await log.tryExclusive(lock);
        } catch (error) {
          await log.close().catch(() => undefined);
          throw error;
        }
        if (!held) {
          await log.close().catch(() => undefined);
          throw new Error(refusal);
        }
      }
    }

    // With a shared log the counts are shared too, so any replica's console shows every replica's checks.
    const eligibility: EligibilityCounter =
      log.storage instanceof PgStore ? new PgEligibilityCounts(log.storage, reportQuietly) : await EligibilityTally.open(join(options.dataDir, ELIGIBILITY_COUNTS_FILE), report);
    const outbox = new OutboxDispatcher(log, options.channels, { ...options.outbox, report: reportQuietly });

    // What staff can do, on this bot's own log: for the admin endpoint, the staff console and
    // the staff commands of the chat (/pending, /reply on any channel that marks its staff).
    const desk = new LogDesk(log, {
      knowledgeDir: live.dir,
      afterReply: () => void outbox.deliver(),
      afterKnowledgeChange: async () => {
        const result = await live.reload();
        reportReload(result, report);
        return result;
      },
    });
    const bot = createBot({ ...options.bot, engine: () => live.engine, log, eligibility, staff: desk, report: reportQuietly });
    bot.catch(async (error) => {
      report(`talentbot: ${error.message}`);
      const file = await appendErrorRecord(options.dataDir, error).catch(() => undefined);
      if (file) report(`talentbot: error recorded in ${file}`);
    });
    const services: ChannelServices = { dataDir: options.dataDir, report };

    let admin: AdminServer | undefined;
    const started: Channel[] = [];
    try {
      // A shared log needs no go-between: `talentbot log …` works on the database itself, and
      // several replicas sharing a data directory must not fight over one admin.json.
      if (options.admin !== false && !log.shared) {
        admin = await AdminServer.start({ dataDir: options.dataDir, knowledgeDir: live.dir, desk, report });
      }
      const shared = log.shared ? " (PostgreSQL, shared by every replica on it)" : "";
      report(`talentbot: question log ${log.location}${shared} — ${(await log.listGroups({ status: "open" })).length} open question group(s)`);
      if (admin) report(`talentbot: staff commands (talentbot log …) reach this bot at ${admin.url}`);
      for (const channel of options.channels) {
        await channel.start(async (message, respond) => {
          await bot.handle(message, respond);
        }, services);
        started.push(channel);
      }
      if (options.announceRunning !== false) report(runningLine());
    } catch (error) {
      await Promise.allSettled(started.map((c) => c.stop()));
      await admin?.close();
      await log.close();
      throw error;
    }
    outbox.start();
    void outbox.deliver(); // replies written while the bot was down
    if (options.watchKnowledge !== false) live.watch((result) => reportReload(result, report));

    const endings = options.channels.map((c) => c.ended);
    const ended = endings.every((e) => e !== undefined) ? Promise.all(endings).then(() => undefined) : new Promise<void>(() => {});
    return new BotRuntime(bot, log, live, outbox, desk, options.channels, admin, ended);
  }

  /** Stops receiving, finishes the messages in hand, and closes the log (releasing its lock). Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.live.close();
      await Promise.allSettled(this.channels.map((c) => c.stop()));
      await this.bot.idle();
      await this.bot.services.eligibility.flush();
      await this.outbox.stop();
      await this.admin?.close();
      await this.log.close();
    })();
    return this.stopping;
  }
}

function quietRepeats(report: (line: string) => void): (line: string) => void {
  const lastSaid = new Map<string, number>();
  return (line) => {
    const now = Date.now();
    const last = lastSaid.get(line);
    if (last !== undefined && now - last < REPEAT_QUIET_MS) return;
    lastSaid.set(line, now);
    if (lastSaid.size > 1000) lastSaid.clear();
    report(line);
  };
}

/** Said once everything listens: a request sent after reading it is served. */
export const runningLine = (): string => `talentbot: running (pid ${process.pid})`;
