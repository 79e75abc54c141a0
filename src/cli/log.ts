import { chmod, readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { toCsv } from "../log/csv.js";
import { escapeControlCharacters, escapeControlCharactersInJson } from "../log/mask.js";
import { monthlyReportRows } from "../log/report.js";
import type { GroupStatus, LogData } from "../log/types.js";
import type { PromoteRequest } from "../staff/promote.js";
import { openStaffDesk, type OpenedDesk } from "../app/open-desk.js";
import { GROUP_STATUSES } from "../staff/types.js";
import { formatGroupDetails, formatGroupList, formatOutOfScope, formatPromote } from "./log-format.js";
import { UsageError, type Output } from "./output.js";
import { EmbeddedStore, LOG_FILE_NAME } from "../log/embedded-store.js";
import { migrateToPostgres } from "../log/migrate.js";
import { PgStore } from "../log/pg-store.js";
import { databaseUrl, dataDir, knowledgeDir, knowledgeDirExplicit } from "./paths.js";

export const LOG_USAGE = `talentbot log list [--status open|replied|promoted|dismissed] [--since YYYY-MM-DD] [--json | --zh]
talentbot log show GROUP_ID [--json | --zh]                --zh: the console's Chinese labels (状态, 渠道, 原因)
talentbot log reply GROUP_ID "答复"                      queue the answer for everyone in the group
talentbot log promote GROUP_ID --faq-id NEW_ID [--answer "…" | --answer-file F] [--question "…"] [--remove-out-of-scope]
talentbot log promote GROUP_ID --to EXISTING_ID            add the group's questions as alternates
talentbot log dismiss GROUP_ID --reason "…"
talentbot log out-of-scope GROUP_ID --subject "租房补贴"     the group's questions become out-of-scope examples; dismissed
talentbot log export --month YYYY-MM [--format csv|json] [--out FILE]
talentbot log migrate --to postgres                       copy the file log of --data-dir into DATABASE_URL (idempotent)
  all take [--data-dir D] [--knowledge DIR]; while a bot runs on D they are carried out by it;
  with DATABASE_URL set they work on that database`;

const OPTIONS = {
  "data-dir": { type: "string" },
  knowledge: { type: "string" },
  json: { type: "boolean" },
  zh: { type: "boolean" },
  status: { type: "string" },
  since: { type: "string" },
  "faq-id": { type: "string" },
  to: { type: "string" },
  answer: { type: "string" },
  "answer-file": { type: "string" },
  question: { type: "string" },
  "remove-out-of-scope": { type: "boolean" },
  reason: { type: "string" },
  subject: { type: "string" },
  month: { type: "string" },
  format: { type: "string" },
  out: { type: "string" },
} as const;

type Values = ReturnType<typeof parse>["values"];
const parse = (args: string[]) => parseArgs({ args, allowPositionals: true, options: OPTIONS });

/** Opens the desk (the running bot, or the log file), runs `work`, closes it. */
type WithDesk = (work: (opened: OpenedDesk) => Promise<number>) => Promise<number>;

/** One subcommand: checks its arguments first, then opens the desk only when they are right. */
type LogAction = (values: Values, args: string[], io: Output, withDesk: WithDesk) => Promise<number>;

/** `talentbot log …`: the staff workflow on the question log. */
export async function logCommand(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parse(args);
  const [sub, ...rest] = positionals;
  const action = sub ? ACTIONS[sub] : undefined;
  if (!action) throw new UsageError(sub ? `unknown log command "${sub}"` : "log needs a subcommand: list, show, reply, promote, dismiss, out-of-scope or export");
  const withDesk: WithDesk = async (work) => {
    const url = databaseUrl();
    const opened = await openStaffDesk({
      dataDir: dataDir(values["data-dir"]),
      ...(url ? { databaseUrl: url } : {}),
      knowledgeDir: knowledgeDir(values.knowledge),
      knowledgeDirExplicit: knowledgeDirExplicit(values.knowledge),
      warn: (message) => io.err(`talentbot: WARNING: ${message}`),
    });
    try {
      return await work(opened);
    } finally {
      await opened.desk.close();
    }
  };
  return action(values, rest, io, withDesk);
}

/**
 * A log written before control characters were stripped may still hold some: printed raw, an
 * ESC sequence would recolour or rewrite the staff member's terminal. JSON.stringify escapes C0
 * already; DEL, C1 and bidi overrides get \u escapes here, so the output stays valid JSON.
 */
function jsonForTerminal(value: unknown): string {
  return escapeControlCharactersInJson(JSON.stringify(value, null, 2));
}

function groupIdOf(args: string[], usage: string): string {
  const [id] = args;
  if (!id) throw new UsageError(`missing group id: ${usage}`);
  return id;
}

function handedLine(opened: OpenedDesk): string {
  if (opened.via === "database") return `(wrote ${opened.desk.where}; the running replicas deliver replies and reload the knowledge base themselves)`;
  return opened.via === "bot" ? `(carried out by ${opened.desk.where})` : `(no bot running; wrote ${opened.desk.where})`;
}

const ACTIONS: Record<string, LogAction> = {
  async migrate(values, _args, io) {
    if (values.to !== "postgres") throw new UsageError(`migrate needs --to postgres (got ${values.to === undefined ? "nothing" : `"${values.to}"`})`);
    const url = databaseUrl();
    if (!url) throw new UsageError("migrate --to postgres needs DATABASE_URL, e.g. DATABASE_URL=postgres://talentbot:PASSWORD@db.example:5432/talentbot");
    const dir = dataDir(values["data-dir"]);
    // Takes the file log's lock: a bot still running on it would keep writing questions the copy misses.
    const source = await EmbeddedStore.open(dir);
    let data: LogData;
    try {
      for (const warning of source.warnings) io.err(`talentbot: WARNING: ${warning}`);
      data = source.snapshot();
    } finally {
      await source.close();
    }
    const target = await PgStore.open(url);
    try {
      const result = await migrateToPostgres(data, target, `embedded:${resolve(dir, LOG_FILE_NAME)}`);
      const counts = await target.counts();
      const { source: from, added } = result;
      io.out(`talentbot: ${resolve(dir, LOG_FILE_NAME)} → ${target.location}`);
      io.out(`  file log: ${from.entries} questions, ${from.groups} groups, ${from.outbox} outbox messages, ${from.counterDays} days of counters`);
      io.out(`  added now: ${added.entries} questions, ${added.groups} groups, ${added.outbox} outbox messages, ${added.counterDays} days of counters`);
      io.out(`  database now: ${counts.entries} questions, ${counts.groups} groups, ${counts.outbox} outbox messages, ${counts.counterDays} days of counters`);
      if (result.earlier) io.out(`  (this file log was migrated before, on ${result.earlier.toISOString()}; nothing was counted twice)`);
      io.out("Start the bot with DATABASE_URL set to use it; the file log is left as it was.");
    } finally {
      await target.close();
    }
    return 0;
  },

  async list(values, _args, io, withDesk) {
    const status = values.status;
    if (status !== undefined && !(GROUP_STATUSES as readonly string[]).includes(status)) {
      throw new UsageError(`--status must be one of ${GROUP_STATUSES.join(", ")} (got "${status}")`);
    }
    return withDesk(async ({ desk }) => {
      const groups = await desk.list({ ...(status ? { status: status as GroupStatus } : {}), ...(values.since ? { since: values.since } : {}) });
      io.out(values.json ? jsonForTerminal(groups) : escapeControlCharacters(formatGroupList(groups, values.zh ? "zh" : "en")));
      return 0;
    });
  },

  async show(values, args, io, withDesk) {
    const id = groupIdOf(args, "talentbot log show g1");
    return withDesk(async ({ desk }) => {
      const details = await desk.show(id);
      io.out(values.json ? jsonForTerminal(details) : escapeControlCharacters(formatGroupDetails(details, values.zh ? "zh" : "en")));
      return 0;
    });
  },

  async reply(_values, args, io, withDesk) {
    const id = groupIdOf(args, 'talentbot log reply g1 "答复内容"');
    const text = args.slice(1).join(" ").trim();
    if (!text) throw new UsageError(`log reply needs the answer text: talentbot log reply ${id} "请携带……到窗口办理"`);
    return withDesk(async (opened) => {
      const { queued } = await opened.desk.reply(id, text);
      const where = queued.map((m) => `${m.channel}:${m.conversationId}`).join(", ");
      io.out(
        `group ${id} replied; ${queued.length} message(s) queued for delivery${where ? ` (${where})` : " (no asker can be reached: their conversation ids are gone or were never known)"} ${handedLine(opened)}`,
      );
      return 0;
    });
  },

  async promote(values, args, io, withDesk) {
    const id = groupIdOf(args, 'talentbot log promote g1 --faq-id talent-apartment --answer "…"');
    const faqId = values["faq-id"];
    const to = values.to;
    if ((faqId === undefined) === (to === undefined)) throw new UsageError("log promote needs either --faq-id NEW_ID (a new FAQ) or --to EXISTING_ID (add to an existing one)");
    if (to !== undefined && (values.answer !== undefined || values["answer-file"] !== undefined || values.question !== undefined)) {
      throw new UsageError("--to adds alternates only; --answer, --answer-file and --question are for a new FAQ (--faq-id)");
    }
    if (values.answer !== undefined && values["answer-file"] !== undefined) throw new UsageError("give the answer either with --answer or with --answer-file, not both");
    const answer = values["answer-file"] !== undefined ? await readFile(resolve(values["answer-file"]), "utf8") : values.answer;
    const request: PromoteRequest = {
      ...(faqId === undefined ? {} : { faqId }),
      ...(to === undefined ? {} : { to }),
      ...(answer === undefined ? {} : { answer }),
      ...(values.question === undefined ? {} : { question: values.question }),
      ...(values["remove-out-of-scope"] ? { removeOutOfScope: true } : {}),
    };
    return withDesk(async (opened) => {
      const result = await opened.desk.promote(id, request);
      io.out(`${formatPromote(result)}\n${handedLine(opened)}`);
      return result.reload && !result.reload.ok ? 1 : 0;
    });
  },

  async dismiss(values, args, io, withDesk) {
    const id = groupIdOf(args, 'talentbot log dismiss g1 --reason "与人才政策无关"');
    const reason = values.reason?.trim();
    if (!reason) throw new UsageError(`log dismiss needs --reason: talentbot log dismiss ${id} --reason "与人才政策无关"`);
    return withDesk(async (opened) => {
      const group = await opened.desk.dismiss(id, reason);
      io.out(`group ${group.id} dismissed: ${group.dismissReason ?? ""} ${handedLine(opened)}`);
      return 0;
    });
  },

  async "out-of-scope"(values, args, io, withDesk) {
    const id = groupIdOf(args, 'talentbot log out-of-scope g1 --subject "租房补贴"');
    const subject = values.subject?.trim();
    if (!subject) throw new UsageError(`log out-of-scope needs --subject, the topic the FAQ does not cover: talentbot log out-of-scope ${id} --subject "租房补贴"`);
    return withDesk(async (opened) => {
      const result = await opened.desk.outOfScope(id, subject);
      io.out(`${formatOutOfScope(result)}\n${handedLine(opened)}`);
      return result.reload && !result.reload.ok ? 1 : 0;
    });
  },

  async export(values, _args, io, withDesk) {
    const month = values.month;
    if (!month) throw new UsageError("log export needs --month YYYY-MM, e.g. talentbot log export --month 2024-03");
    const format = values.format ?? "csv";
    if (format !== "csv" && format !== "json") throw new UsageError(`--format must be csv or json (got "${format}")`);
    return withDesk(async ({ desk }) => {
      const report = await desk.report(month);
      const text = format === "json" ? `${JSON.stringify(report, null, 2)}\n` : toCsv(monthlyReportRows(report));
      if (values.out) {
        // The report quotes askers' questions (masked): readable by its owner only, as the data files are.
        await writeFile(resolve(values.out), text, { encoding: "utf8", mode: 0o600 });
        await chmod(resolve(values.out), 0o600);
        io.out(`monthly report ${report.month} written to ${resolve(values.out)}`);
      } else io.out(text);
      return 0;
    });
  },
};
