import { staffWording, type StaffPort } from "../../core/channel.js";
import { describeError } from "../timing.js";

export const NOT_STAFF_TEXT = "抱歉，您没有权限使用这个命令（not allowed）：它仅限工作人员使用。";
export const STAFF_PRIVATE_ONLY_TEXT = "工作人员命令请在与机器人的私聊中使用。";
export const STAFF_UNAVAILABLE_TEXT = "工作人员命令暂时不可用（机器人没有连接问题记录）。";
export const REPLY_USAGE_TEXT = "用法：/reply 问题组编号 答复内容\n例如：/reply g3 人才公寓请向市住建局申请，咨询电话 0000-12345678。\n发送 /pending 查看待答复的问题组。";
export const STAFF_HELP = "工作人员命令：\n/pending 查看待答复的问题组\n/reply 问题组编号 答复内容 —— 答复后会发给所有提问者";
const PENDING_SHOWN = 20;

/** `/pending`: the open groups, most asked first. */
export async function pendingText(desk: StaffPort): Promise<string> {
  const open = await desk.list({ status: "open" });
  if (open.length === 0) return "目前没有待答复的问题。";
  const lines = open.slice(0, PENDING_SHOWN).map((g) => `${g.id} ×${g.count}  ${g.representative}`);
  const more = open.length > PENDING_SHOWN ? `\n……另有 ${open.length - PENDING_SHOWN} 组，请用 talentbot log list 查看。` : "";
  return `待答复的问题组（${open.length}）：\n${lines.join("\n")}${more}\n\n答复：/reply 问题组编号 答复内容`;
}

/** `/reply <group> <text>`: answers a group like `talentbot log reply`. */
export async function replyText(desk: StaffPort, args: string): Promise<string> {
  const match = /^(\S+)\s+([\s\S]+)$/.exec(args);
  if (!match) return REPLY_USAGE_TEXT;
  try {
    const result = await desk.reply(match[1]!, match[2]!.trim());
    const n = result.queued.length;
    return n > 0
      ? `已答复 ${result.group.id}：答复将发给 ${n} 位提问者。`
      : `已记录对 ${result.group.id} 的答复，但没有能收到它的提问者（会话信息已过保留期）。`;
  } catch (error) {
    // Staff read this in their chat: the desk's Chinese wording when it has one.
    return `未能答复：${staffWording(error) ?? describeError(error)}`;
  }
}
