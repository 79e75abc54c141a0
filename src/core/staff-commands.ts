import { staffWording, type StaffPort } from "./staff-port.js";
import { escapeControlCharacters } from "../log/mask.js";
import { oneLine } from "./render-text.js";
import { REPLY_USAGE_TEXT } from "./wording.js";

/** How many open groups `/pending` lists; the rest are counted. */
const PENDING_SHOWN = 20;

/** `/pending`: the open groups, most asked first; each question on one line, control characters of older logs escaped (as `talentbot log list`). */
export async function pendingText(desk: StaffPort): Promise<string> {
  const open = await desk.list({ status: "open" });
  if (open.length === 0) return "目前没有待答复的问题。";
  const lines = open.slice(0, PENDING_SHOWN).map((g) => `${g.id} ×${g.count}  ${escapeControlCharacters(oneLine(g.representative))}`);
  const more = open.length > PENDING_SHOWN ? `\n……另有 ${open.length - PENDING_SHOWN} 组，请在工作人员后台（/admin）的“待处理”中查看。` : "";
  return `待答复的问题组（${open.length}）：\n${lines.join("\n")}${more}\n\n答复：/reply 问题组编号 答复内容`;
}

/** `/reply <group> <text>`: answers a group like `talentbot log reply`; every asker gets it through the outbox. */
export async function replyText(desk: StaffPort, args: string): Promise<string> {
  const match = /^(\S+)\s+([\s\S]+)$/.exec(args);
  if (!match) return REPLY_USAGE_TEXT;
  try {
    const result = await desk.reply(match[1]!, match[2]!.trim());
    const n = result.queued.length;
    return n > 0 ? `已答复 ${result.group.id}：答复将发给 ${n} 位提问者。` : `已记录对 ${result.group.id} 的答复，但没有能收到它的提问者（会话信息已过保留期）。`;
  } catch (error) {
    // Staff read this in their chat: the desk's Chinese wording when it has one.
    return `未能答复：${staffWording(error) ?? (error instanceof Error ? error.message : String(error))}`;
  }
}
