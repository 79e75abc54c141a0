import type { ReloadReport } from "../core/live-engine.js";
import { withoutControlCharacters } from "../log/mask.js";
import type { QuestionLog } from "../log/question-log.js";
import type { MonthlyReport } from "../log/report.js";
import type { GroupStatus, LoggedQuestion, OutboxMessage, QuestionGroup } from "../log/types.js";
import { GROUP_STATUSES } from "./types.js";
import { StaffError } from "./errors.js";
import { addGroupToOutOfScope, type OutOfScopeWrite } from "./out-of-scope.js";
import { promoteGroup, type PromoteRequest, type PromoteResult } from "./promote.js";

export interface GroupListFilter {
  status?: GroupStatus;
  /** Local date "YYYY-MM-DD": only groups asked on or after it. */
  since?: string;
}

export interface GroupDetails {
  group: QuestionGroup;
  entries: LoggedQuestion[];
  /** Staff replies of this group not delivered yet. */
  pending: OutboxMessage[];
}

export interface OutOfScopeResult extends OutOfScopeWrite {
  group: QuestionGroup;
  /** How the running bot took the change; absent when no bot runs. */
  reload?: ReloadReport;
}

export interface ReplyResult {
  group: QuestionGroup;
  queued: OutboxMessage[];
}

/**
 * What staff can do with the question log. Two implementations: LogDesk works on an open
 * QuestionLog (inside the running bot, or in the CLI when no bot runs); RemoteDesk (src/admin)
 * hands every call to the running bot, so that it stays the only writer.
 */
export interface StaffDesk {
  /** Where the work happens, for messages: "the running bot (pid 123)" or the log file. */
  readonly where: string;
  list(filter?: GroupListFilter): Promise<QuestionGroup[]>;
  show(groupId: string): Promise<GroupDetails>;
  reply(groupId: string, text: string): Promise<ReplyResult>;
  promote(groupId: string, request: PromoteRequest): Promise<PromoteResult>;
  dismiss(groupId: string, reason: string): Promise<QuestionGroup>;
  /** The group's questions become out-of-scope examples under `subject`, and the group is dismissed. */
  outOfScope(groupId: string, subject: string): Promise<OutOfScopeResult>;
  report(month: string): Promise<MonthlyReport>;
  close(): Promise<void>;
}

export interface LogDeskOptions {
  knowledgeDir: string;
  /** Called after a reply was queued (the running bot delivers at once). */
  afterReply?: () => void;
  /** Called after a promote changed the knowledge files (the running bot reloads). */
  afterKnowledgeChange?: () => Promise<ReloadReport>;
  /** Close the log with the desk (the CLI's own log; not the running bot's). */
  ownsLog?: boolean;
  now?: () => Date;
}

export class LogDesk implements StaffDesk {
  constructor(
    private readonly log: QuestionLog,
    private readonly options: LogDeskOptions,
  ) {}

  get where(): string {
    return this.log.location;
  }

  async list(filter: GroupListFilter = {}): Promise<QuestionGroup[]> {
    if (filter.status !== undefined && !GROUP_STATUSES.includes(filter.status)) {
      throw new StaffError(`unknown status "${String(filter.status)}"; use one of ${GROUP_STATUSES.join(", ")}`, { staff: `没有“${String(filter.status)}”这种状态，请在“状态”中选择。` });
    }
    return this.log.listGroups({
      ...(filter.status === undefined ? {} : { status: filter.status }),
      ...(filter.since === undefined ? {} : { since: parseLocalDate(filter.since, "--since") }),
    });
  }

  async show(groupId: string): Promise<GroupDetails> {
    const found = await this.requireGroup(groupId);
    return { ...found, pending: await this.log.pendingForGroup(groupId) };
  }

  async reply(groupId: string, typed: string): Promise<ReplyResult> {
    await this.requireGroup(groupId);
    // What staff type reaches askers' screens and staff terminals: no control characters (ESC, BEL, bidi overrides …).
    const text = withoutControlCharacters(typed);
    if (text.trim() === "")
      throw new StaffError(`the reply to group ${groupId} is empty; write the answer text, e.g. talentbot log reply ${groupId} "请携带……到窗口办理"`, {
        staff: `答复内容是空的，请在“答复内容”中写好答复再点“发送答复”。`,
      });
    const queued = await this.log.reply(groupId, text.trim());
    this.options.afterReply?.();
    return { group: (await this.requireGroup(groupId)).group, queued };
  }

  async promote(groupId: string, typed: PromoteRequest): Promise<PromoteResult> {
    const { group } = await this.requireGroup(groupId);
    const { answer, question } = typed;
    const request: PromoteRequest = {
      ...typed,
      ...(answer !== undefined && { answer: withoutControlCharacters(answer) }),
      ...(question !== undefined && { question: withoutControlCharacters(question) }),
    };
    if (group.status === "promoted") {
      throw new StaffError(`group ${groupId} was already promoted to FAQ "${group.promotedTo ?? "?"}"; edit that FAQ file to change it`, {
        staff: `问题组 ${groupId} 已经加入问答“${group.promotedTo ?? "?"}”，不能再加入一次；如需修改，请编辑该问答的文件。`,
      });
    }
    const written = await promoteGroup(group, this.options.knowledgeDir, request, this.options.now?.() ?? new Date());
    const promoted = await this.log.markPromoted(groupId, written.faqId);
    const reload = await this.options.afterKnowledgeChange?.();
    return { ...written, group: promoted, ...(reload === undefined ? {} : { reload }) };
  }

  async dismiss(groupId: string, typedReason: string): Promise<QuestionGroup> {
    await this.requireGroup(groupId);
    const reason = withoutControlCharacters(typedReason);
    if (reason.trim() === "")
      throw new StaffError(`say why group ${groupId} is dismissed: talentbot log dismiss ${groupId} --reason "与人才政策无关"`, { staff: "请在“忽略原因”中写明为什么忽略，例如：与人才政策无关。" });
    return this.log.dismiss(groupId, reason.trim());
  }

  async outOfScope(groupId: string, subject: string): Promise<OutOfScopeResult> {
    const { group } = await this.requireGroup(groupId);
    if (group.status === "promoted")
      throw new StaffError(`group ${groupId} was promoted to FAQ "${group.promotedTo ?? "?"}"; an answered question cannot also be out of scope`, {
        staff: `问题组 ${groupId} 已经加入问答“${group.promotedTo ?? "?"}”：有答案的问题不能再列为不在问答范围。`,
      });
    const written = await addGroupToOutOfScope(group, this.options.knowledgeDir, withoutControlCharacters(subject));
    const dismissed = await this.log.dismiss(groupId, `${OUT_OF_SCOPE_REASON}${written.subject}`);
    const reload = written.added.length > 0 ? await this.options.afterKnowledgeChange?.() : undefined;
    return { ...written, group: dismissed, ...(reload === undefined ? {} : { reload }) };
  }

  async report(month: string): Promise<MonthlyReport> {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
      throw new StaffError(`"${month}" is not a month; write it as YYYY-MM, e.g. --month 2024-03`, { staff: `“${month}”不是月份，请在“月份”中选择，例如 2024-03。` });
    return this.log.monthlyReport(month);
  }

  async close(): Promise<void> {
    if (this.options.ownsLog) await this.log.close();
  }

  private async requireGroup(groupId: string) {
    const found = await this.log.getGroup(groupId);
    if (!found)
      throw new StaffError(`there is no question group "${groupId}" in ${this.log.location}; run \`talentbot log list\` to see the group ids`, {
        staff: `没有编号为 ${groupId} 的问题组，可能已被删除；请刷新“问题队列”（在聊天中：发送 /pending）查看现有的问题组。`,
      });
    return found;
  }
}

/** Dismiss reason of a group turned into out-of-scope examples, followed by the subject. */
export const OUT_OF_SCOPE_REASON = "不在问答范围：";

/** Local midnight of "YYYY-MM-DD". */
export function parseLocalDate(text: string, flag: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const date = match ? new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : undefined;
  if (!match || !date || date.getMonth() !== Number(match[2]) - 1)
    throw new StaffError(`${flag} "${text}" is not a date; write it as YYYY-MM-DD, e.g. ${flag} 2024-03-01`, { staff: `“${text}”不是日期，请用日期选择框选择，例如 2024-03-01。` });
  return date;
}
