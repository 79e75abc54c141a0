import type { BotConfig, FaqEntry, PolicyDoc } from "../knowledge/types.js";
import type { Excerpt, Suggestion } from "./answer.js";

/** The user-facing wording of each kind of reply, in one place. */

export function citation(faq: FaqEntry, policies: ReadonlyMap<string, PolicyDoc>): string | undefined {
  const parts: string[] = [];
  if (faq.source) {
    const doc = policies.get(faq.source.doc);
    parts.push(`依据：《${doc?.title ?? faq.source.doc}》${faq.source.article ?? ""}`);
  }
  if (faq.updated) parts.push(`更新于 ${faq.updated}`);
  return parts.length > 0 ? parts.join("（") + (parts.length > 1 ? "）" : "") : undefined;
}

export function answeredText(faq: FaqEntry, policies: ReadonlyMap<string, PolicyDoc>): string {
  const cite = citation(faq, policies);
  return cite ? `${faq.answer}\n\n${cite}` : faq.answer;
}

export function suggestedText(choices: readonly Suggestion[]): string {
  return choicesText("您是不是想问：", choices);
}

/** Another place's policy asked (bot.yaml `jurisdiction`): said plainly, with this place's nearest entries as choices. */
export function elsewhereLead(bot: BotConfig, place: string): string {
  return `本助手解答的是${bot.jurisdiction}的政策，${place}的规定请向当地有关部门咨询。\n如果您想了解${bot.jurisdiction}的相关规定：`;
}

/** A question about the asker's own record: the bot cannot see it, staff can; the nearest entries may say where to look. */
export function ownRecordLead(bot: BotConfig): string {
  return `个人的办理进度、成绩、结果等信息我这里查不到，需要工作人员核实。您的问题已记录，工作人员会尽快跟进。\n${contactLine(bot)}\n以下问答也许有帮助：`;
}

/** A lead and its numbered choices as one text (the command line shows the reply as text). */
export function choicesText(lead: string, choices: readonly Suggestion[]): string {
  const lines = choices.map((c, i) => `${i + 1}. ${c.question}`);
  return `${lead}\n${lines.join("\n")}\n请回复序号（如 1），或换个说法再问。`;
}

export function contactLine(bot: BotConfig): string {
  const c = bot.staffContact;
  return `人工咨询：${c.phone}（${c.hours}），地址：${c.address}${c.email ? `，邮箱：${c.email}` : ""}`;
}

/** Policy text is quoted in part; the user can ask staff for the rest. */
export const EXCERPT_MAX_CHARS = 220;

export function excerptText(bot: BotConfig, excerpts: readonly Excerpt[]): string {
  const quotes = excerpts.map((e) => {
    const body = e.text.length > EXCERPT_MAX_CHARS ? `${e.text.slice(0, EXCERPT_MAX_CHARS)}……` : e.text;
    return `《${e.docTitle}》${e.article}${e.title && e.title !== e.article ? ` ${e.title}` : ""}：\n${body}`;
  });
  return `${bot.excerptIntro}\n\n${quotes.join("\n\n")}\n\n您的问题已记录，工作人员会跟进答复。\n${contactLine(bot)}`;
}

export function unansweredText(bot: BotConfig): string {
  return `${bot.notFound}\n${contactLine(bot)}`;
}

export function smalltalkText(bot: BotConfig, reply: string): string {
  return reply.replaceAll("{botName}", bot.botName);
}

export function emptyText(bot: BotConfig): string {
  return `请输入您要咨询的问题，例如：${bot.examples[0] ?? "人才子女入学需要什么材料"}`;
}

/** The one limit on a question's length, for a chat message and for the engine asked directly (CLI, hit test). */
export const MAX_QUESTION_CHARS = 500;

/** The one wording for a message over the limit, whoever refuses it (the pipeline's guard or the engine). */
export function tooLongText(maxChars: number): string {
  return `您的消息超过了 ${maxChars} 字，我没有读完。请用一两句话简要描述您想咨询的事项，例如“人才子女入学需要什么材料”。`;
}
