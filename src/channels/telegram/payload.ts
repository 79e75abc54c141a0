import type { IncomingMessage, MessageKind } from "../../core/message.js";

/** The parts of a Telegram message this channel reads (Telegram's own types are a wide union). */
export interface TgUser {
  id: number;
  is_bot?: boolean;
  first_name?: string;
  last_name?: string;
  username?: string;
}
export interface TgChat {
  id: number | string;
  type: string;
}
export interface TgEntity {
  type: string;
  offset: number;
  length: number;
  user?: TgUser;
}
export interface TgMessage {
  message_id: number;
  date: number;
  chat: TgChat;
  from?: TgUser;
  sender_chat?: TgChat & { title?: string };
  text?: string;
  caption?: string;
  entities?: TgEntity[];
  caption_entities?: TgEntity[];
  reply_to_message?: { from?: TgUser };
  [field: string]: unknown;
}
export interface TgCallbackQuery {
  id: string;
  from: TgUser;
  message?: { message_id: number; chat: TgChat };
  data?: string;
}

/** Content fields → message kind, first match wins (an emulator may add an empty `text` to anything). */
const KIND_FIELDS: [string, MessageKind][] = [
  ["sticker", "sticker"],
  ["photo", "image"],
  ["animation", "image"],
  ["voice", "voice"],
  ["audio", "voice"],
  ["document", "file"],
  ["video", "other"],
  ["video_note", "other"],
  ["location", "other"],
  ["venue", "other"],
  ["contact", "other"],
  ["poll", "other"],
  ["dice", "other"],
  ["game", "other"],
  ["story", "other"],
];

/** The kind of a message, or undefined for service messages (member joined, title changed …). */
export function telegramKind(message: TgMessage): MessageKind | undefined {
  for (const [field, kind] of KIND_FIELDS) if (message[field] !== undefined) return kind;
  return typeof message.text === "string" ? "text" : undefined;
}

/** Telegram dates are Unix seconds; some emulators send milliseconds. */
export function telegramDate(date: number | undefined): Date {
  if (typeof date !== "number" || !Number.isFinite(date)) return new Date();
  return new Date(date < 1e11 ? date * 1000 : date);
}

export interface ParsedCommand {
  name: string;
  /** `/start@SomeBot`: the bot it is addressed to. */
  bot?: string;
  args: string;
}

export function parseCommand(text: string): ParsedCommand | undefined {
  const match = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{3,64}))?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return undefined;
  return { name: match[1]!.toLowerCase(), ...(match[2] ? { bot: match[2] } : {}), args: (match[3] ?? "").trim() };
}

/** How a sender is named to staff: first and last name, else @username, else the id. */
export function nameOf(user: TgUser): string {
  return [user.first_name, user.last_name].filter(Boolean).join(" ") || (user.username ? `@${user.username}` : String(user.id));
}

/** Removes @-mentions of the bot `me` from the text; says whether there was one. */
export function withoutMentions(text: string, entities: TgEntity[] | undefined, me: { id: number; username: string } | undefined): { text: string; mentioned: boolean } {
  if (!me || !entities?.length) return { text: text.trim(), mentioned: false };
  const ours = entities
    .filter((e) => (e.type === "mention" && text.slice(e.offset, e.offset + e.length).toLowerCase() === `@${me.username.toLowerCase()}`) || (e.type === "text_mention" && e.user?.id === me.id))
    .sort((a, b) => b.offset - a.offset);
  let rest = text;
  for (const e of ours) rest = `${rest.slice(0, e.offset)} ${rest.slice(e.offset + e.length)}`;
  return { text: rest.replace(/\s+/g, " ").trim(), mentioned: ours.length > 0 };
}

/** A message (not a command) as the core's IncomingMessage: mentions of the bot removed, a group message counts as addressed to the bot when it mentions or replies to it. */
export function incomingMessage(channel: string, message: TgMessage, kind: MessageKind, raw: string, me: { id: number; username: string } | undefined): IncomingMessage {
  const chatId = String(message.chat.id);
  const isGroup = message.chat.type !== "private";
  const { text, mentioned } = withoutMentions(raw, kind === "text" ? message.entities : message.caption_entities, me);
  const sender = message.from ?? (message.sender_chat ? { id: Number(message.sender_chat.id), first_name: message.sender_chat.title } : undefined);
  return {
    channel,
    conversationId: chatId,
    senderId: String(sender?.id ?? chatId),
    ...(sender ? { senderName: nameOf(sender) } : {}),
    text,
    kind,
    isGroup,
    mentionsBot: !isGroup || mentioned || (me !== undefined && message.reply_to_message?.from?.id === me.id),
    receivedAt: telegramDate(message.date),
  };
}

/** A button press as the core's IncomingMessage: the person "says" the button's text. */
export function pressIncoming(channel: string, query: TgCallbackQuery, chatId: string, isGroup: boolean, text: string): IncomingMessage {
  return {
    channel,
    conversationId: chatId,
    senderId: String(query.from.id),
    senderName: nameOf(query.from),
    text,
    kind: "text",
    isGroup,
    mentionsBot: true, // pressing the bot's own button is talking to the bot
    receivedAt: new Date(),
  };
}
