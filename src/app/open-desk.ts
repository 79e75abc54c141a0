import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { isProcessRunning, readAdminFile } from "../admin/admin-file.js";
import { RemoteDesk, isRefused } from "../admin/client.js";
import { DEFAULT_RETENTION_DAYS, parseBotConfig } from "../knowledge/bot-config.js";
import { QuestionLog } from "../log/question-log.js";
import { LogDesk, type StaffDesk } from "../staff/desk.js";
import { StaffError } from "../staff/errors.js";

export interface OpenDeskOptions {
  dataDir: string;
  /** PostgreSQL connection string (DATABASE_URL): the log is there, and any process may write it. */
  databaseUrl?: string;
  knowledgeDir: string;
  /** The knowledge directory was named on the command line or in the environment (not the default). */
  knowledgeDirExplicit?: boolean;
  /** Problems found opening the log file directly (e.g. a corrupt file moved aside). */
  warn: (message: string) => void;
}

export interface OpenedDesk {
  desk: StaffDesk;
  /** "bot": handed to the running bot; "file": the CLI opened the log file itself; "database": the shared log in PostgreSQL. */
  via: "bot" | "file" | "database";
  /** Where promote writes: the running bot's knowledge directory, or the CLI's. */
  knowledgeDir: string;
}

/**
 * The desk for a staff command. When a bot runs on this data directory (admin.json names a
 * live process that answers), every command goes to it: it stays the only writer. Otherwise
 * the CLI opens the log itself, taking its lock (so a bot starting meanwhile waits its turn,
 * and two CLIs never write at once).
 */
export async function openStaffDesk(options: OpenDeskOptions): Promise<OpenedDesk> {
  if (options.databaseUrl) {
    // Every replica and this command write the same database safely; each replica sees a
    // promote through its own watch of the knowledge files and delivers replies from the outbox.
    const log = await QuestionLog.open({ dataDir: options.dataDir, databaseUrl: options.databaseUrl, retentionDays: await retentionDays(options.knowledgeDir, options.warn) });
    for (const warning of log.warnings) options.warn(warning);
    return { desk: new LogDesk(log, { knowledgeDir: options.knowledgeDir, ownsLog: true }), via: "database", knowledgeDir: options.knowledgeDir };
  }
  const admin = await readAdminFile(options.dataDir);
  if (admin && isProcessRunning(admin.pid)) {
    const remote = new RemoteDesk(admin);
    try {
      await remote.ping();
      if (options.knowledgeDirExplicit && resolve(options.knowledgeDir) !== resolve(admin.knowledgeDir)) {
        throw new StaffError(
          `the running bot (pid ${admin.pid}) serves the knowledge base ${admin.knowledgeDir}, not ${resolve(options.knowledgeDir)}; drop --knowledge (and TALENTBOT_KNOWLEDGE_DIR), or stop the bot first`,
        );
      }
      return { desk: remote, via: "bot", knowledgeDir: admin.knowledgeDir };
    } catch (error) {
      // Nothing listens: the bot died and its pid was reused. The log's lock decides below.
      if (!isRefused(error)) throw error;
    }
  }
  const log = await QuestionLog.open({ dataDir: options.dataDir, retentionDays: await retentionDays(options.knowledgeDir, options.warn) });
  for (const warning of log.warnings) options.warn(warning);
  return { desk: new LogDesk(log, { knowledgeDir: options.knowledgeDir, ownsLog: true }), via: "file", knowledgeDir: options.knowledgeDir };
}

/** bot.yaml's retentionDays: opening the log applies retention, which must follow the bureau's setting. */
async function retentionDays(knowledgeDir: string, warn: (message: string) => void): Promise<number> {
  const file = join(knowledgeDir, "bot.yaml");
  try {
    const config = parseBotConfig("bot.yaml", await readFile(file, "utf8"), []);
    if (config) return config.retentionDays;
  } catch {
    // fall through to the warning
  }
  warn(`could not read retentionDays from ${file}; using the default of ${DEFAULT_RETENTION_DAYS} days`);
  return DEFAULT_RETENTION_DAYS;
}
