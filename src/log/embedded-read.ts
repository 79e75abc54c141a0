import { chmod, readFile, readdir, rename, stat, truncate } from "node:fs/promises";
import { QuestionLogError, errorCode, fileSystemError } from "./errors.js";
import { EMBEDDED_SCHEMA_VERSION, ENTRIES_KIND, JOURNAL_KIND, emptyOpenWork, findMonthProblem, findOpenWorkProblem, monthFilePath, type MonthFile, type OpenWorkFile } from "./embedded-layout.js";
import { PRIVATE_FILE_MODE, type PrivateTextFile as TextFile } from "./private-files.js";
import { findSchemaProblem } from "./schema.js";
import { OUTCOMES, SCHEMA_VERSION, type LogData, type LoggedQuestion, type Outcome } from "./types.js";

/**
 * Reading the embedded store's files, one at a time: a file that cannot be used is reported
 * (the store's warnings) and moved aside, or, read-only, refused.
 */
export interface ReadContext {
  /** `<dataDir>/questions.json`. */
  readonly location: string;
  readonly historyDir: string;
  readonly readOnly: boolean;
  readonly warnings: string[];
  /** The same, in Chinese for staff. */
  readonly staffWarnings: string[];
  readonly now: () => Date;
}

/** One line of a counts journal. */
export interface CountOp {
  seq: number;
  day: string;
  outcome: Outcome;
  faqId?: string;
}

export async function readStateFile(ctx: ReadContext): Promise<{ kind: "v2"; data: OpenWorkFile; created: boolean } | { kind: "v1"; data: LogData }> {
  let text: string;
  try {
    text = await readFile(ctx.location, "utf8");
  } catch (error) {
    if (errorCode(error) !== "ENOENT") throw fileSystemError("read", ctx.location, error);
    return { kind: "v2", data: emptyOpenWork(), created: true };
  }
  let problem: string | null;
  try {
    const value = JSON.parse(text) as unknown;
    const version = typeof value === "object" && value !== null ? (value as { schemaVersion?: unknown }).schemaVersion : undefined;
    if (version === SCHEMA_VERSION) {
      problem = findSchemaProblem(value);
      if (problem === null) return { kind: "v1", data: value as LogData };
    } else {
      problem = findOpenWorkProblem(value);
      if (problem === null) return { kind: "v2", data: value as OpenWorkFile, created: false };
    }
  } catch (error) {
    problem = `it is not valid JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  if (ctx.readOnly) throw new QuestionLogError(`question log: ${ctx.location} could not be used: ${problem}.`);
  const movedTo = await moveAside(ctx, ctx.location);
  ctx.warnings.push(
    `question log: ${ctx.location} could not be used: ${problem}. ` +
      `It was moved unchanged to ${movedTo} and the open work was rebuilt from the history in ${ctx.historyDir} (this month's counts may be incomplete). ` +
      `Look at that file (or restore it by hand) before deleting it.`,
  );
  ctx.staffWarnings.push(
    `问题日志文件 ${ctx.location} 已损坏，已原样移到 ${movedTo}；待处理的问题已按历史记录（${ctx.historyDir}）重新整理，请核对队列；本月数据看板的消息统计可能不完整。移走的文件请交系统管理员查看，不要删除。`,
  );
  return { kind: "v2", data: emptyOpenWork(), created: true };
}

export async function readJournal(ctx: ReadContext, file: string): Promise<CountOp[]> {
  const text = await readAppendedFile(ctx, file);
  const lines = text.split("\n");
  const ops: CountOp[] = [];
  for (const [index, line] of lines.entries()) {
    if (line === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // A line cut off by a crash while appending is the last one: that count was never acknowledged.
      if (index < lines.length - 1) skipped(ctx, file, index + 1, `question log: ${file} line ${index + 1} is not JSON and was skipped.`);
      continue;
    }
    if (index === 0) {
      const header = value as { kind?: unknown; schemaVersion?: unknown };
      if (header.kind !== JOURNAL_KIND || header.schemaVersion !== EMBEDDED_SCHEMA_VERSION) {
        throw new QuestionLogError(`question log: ${file} is not a talentbot counts journal of schemaVersion ${EMBEDDED_SCHEMA_VERSION}; move it out of ${ctx.historyDir} and start again.`);
      }
      continue;
    }
    const op = value as { seq?: unknown; day?: unknown; outcome?: unknown; faqId?: unknown };
    if (typeof op.seq !== "number" || typeof op.day !== "string" || !(OUTCOMES as readonly unknown[]).includes(op.outcome)) {
      skipped(ctx, file, index + 1, `question log: ${file} line ${index + 1} is not a count and was skipped.`);
      continue;
    }
    ops.push({ seq: op.seq, day: op.day, outcome: op.outcome as Outcome, ...(typeof op.faqId === "string" ? { faqId: op.faqId } : {}) });
  }
  return ops;
}

export async function readMonthFile(ctx: ReadContext, month: string, source: TextFile): Promise<MonthFile | undefined> {
  const file = monthFilePath(ctx.historyDir, month);
  let problem: string | null;
  try {
    const value = JSON.parse((await source.read()) ?? "null") as unknown;
    problem = findMonthProblem(value, month);
    if (problem === null) return value as MonthFile;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw fileSystemError("read", file, error);
    problem = `it is not valid JSON (${error.message})`;
  }
  if (ctx.readOnly) throw new QuestionLogError(`question log: ${file} could not be used: ${problem}.`);
  const movedTo = await moveAside(ctx, file);
  ctx.warnings.push(`question log: ${file} could not be used: ${problem}. It was moved unchanged to ${movedTo}; the groups closed in ${month} are missing until you restore it by hand.`);
  ctx.staffWarnings.push(`问题日志的月度文件 ${file} 已损坏，已原样移到 ${movedTo}；${month} 已处理完的问题组暂时看不到，请系统管理员手工恢复，不要删除移走的文件。`);
  return undefined;
}

export async function readEntryFile(ctx: ReadContext, file: string): Promise<LoggedQuestion[]> {
  const text = await readAppendedFile(ctx, file);
  const lines = text.split("\n").filter((line) => line.length > 0);
  // Empty: the process was killed between creating the file and its first write. The next append writes the header.
  if (lines.length === 0) return [];
  const header = lines.shift();
  let headerProblem: string | null = null;
  try {
    const parsed = header === undefined ? undefined : (JSON.parse(header) as { schemaVersion?: unknown; kind?: unknown });
    if (parsed?.kind !== ENTRIES_KIND) headerProblem = "its first line is not a talentbot question entries header";
    else if (parsed.schemaVersion !== EMBEDDED_SCHEMA_VERSION) headerProblem = `schemaVersion ${String(parsed.schemaVersion)} is not supported (expected ${EMBEDDED_SCHEMA_VERSION})`;
  } catch {
    headerProblem = "its first line is not JSON";
  }
  if (headerProblem !== null) {
    throw new QuestionLogError(`question log: ${file} cannot be read: ${headerProblem}. Move it out of ${ctx.historyDir} (or restore it) and start again.`);
  }
  const entries: LoggedQuestion[] = [];
  for (const [index, line] of lines.entries()) {
    try {
      entries.push(JSON.parse(line) as LoggedQuestion);
    } catch {
      skipped(ctx, file, index + 2, `question log: ${file} line ${index + 2} is not JSON and was skipped; look at it by hand.`);
    }
  }
  return entries;
}

export async function listHistory(ctx: ReadContext): Promise<string[]> {
  try {
    return (await readdir(ctx.historyDir)).sort();
  } catch (error) {
    if (ctx.readOnly && errorCode(error) === "ENOENT") return [];
    throw fileSystemError("read the history directory", ctx.historyDir, error);
  }
}

/** Moves an unusable file to `<file>.corrupt-<time>` (never over an earlier one); returns the new name. */
export async function moveAside(ctx: ReadContext, file: string): Promise<string> {
  const stamp = ctx.now().toISOString().replace(/[:.]/g, "-");
  for (let attempt = 0; ; attempt++) {
    const target = `${file}.corrupt-${stamp}${attempt === 0 ? "" : `-${attempt}`}`;
    try {
      await stat(target);
      continue; // never overwrite an earlier corrupt copy
    } catch (error) {
      if (errorCode(error) !== "ENOENT") throw fileSystemError("inspect", target, error);
    }
    try {
      await rename(file, target);
      await chmod(target, PRIVATE_FILE_MODE).catch(() => undefined);
      return target;
    } catch (error) {
      throw fileSystemError("move the unreadable log aside to", target, error);
    }
  }
}

/** A damaged line that was left out, for the operator and for staff. */
function skipped(ctx: ReadContext, file: string, line: number, message: string): void {
  ctx.warnings.push(message);
  ctx.staffWarnings.push(`问题日志文件 ${file} 第 ${line} 行已损坏，读取时跳过了；请系统管理员查看这一行。`);
}

/**
 * The text of a file the store appends to (entries, counts journal). A last line cut off by a crash
 * while appending (never acknowledged) is removed from the file first, so the next append starts a
 * line of its own instead of joining it (a cut header would hide everything after it). Read-only:
 * the file is left as it is and the cut line is returned too.
 */
async function readAppendedFile(ctx: ReadContext, file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw fileSystemError("read", file, error);
  }
  if (text.length === 0 || text.endsWith("\n") || ctx.readOnly) return text;
  const cut = text.lastIndexOf("\n") + 1;
  try {
    await truncate(file, Buffer.byteLength(text.slice(0, cut)));
  } catch (error) {
    throw fileSystemError("repair the cut-off last line of", file, error);
  }
  ctx.warnings.push(`question log: ${file} ended in a cut-off line (a crash while writing); that line was removed.`);
  ctx.staffWarnings.push(`问题日志文件 ${file} 的最后一行因程序中断没有写完，已删除（那一条当时没有记录成功，提问人没有收到确认）。`);
  return text.slice(0, cut);
}
