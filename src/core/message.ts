/**
 * The shapes every channel speaks. A channel (console, Telegram, WeChat, web …) turns its
 * platform payload into an IncomingMessage and turns a Reply back into whatever the platform
 * shows; the conversation core sees nothing else.
 */

export type MessageKind = "text" | "image" | "voice" | "sticker" | "file" | "other";

export const MESSAGE_KINDS: readonly MessageKind[] = ["text", "image", "voice", "sticker", "file", "other"];

export interface IncomingMessage {
  /** Channel name, e.g. "console"; staff replies are later addressed to (channel, conversationId). */
  channel: string;
  /** Where replies go: a private chat, a group, a web session. */
  conversationId: string;
  /** Platform id of the person who wrote; the rate limit counts per (channel, senderId). */
  senderId: string;
  senderName?: string;
  /** The text; for other kinds a caption if the platform has one, else "". */
  text: string;
  kind: MessageKind;
  isGroup: boolean;
  /** In a group: the bot was @-mentioned or the message replies to one of the bot's messages. */
  mentionsBot: boolean;
  /**
   * The sender is one of the channel's staff (Telegram `TELEGRAM_STAFF_IDS`, WeChat
   * `TALENTBOT_WECHAT_STAFF`; everyone at the console): the core lets them use the staff
   * commands `/pending` and `/reply`. Absent: not staff. The channel decides; the core decides what staff may do.
   */
  isStaff?: boolean;
  receivedAt: Date;
}

/** One of the questions offered after a `suggested` answer. */
export interface ReplyChoice {
  label: string;
  faqId: string;
}

/** The policy article an answer rests on, for channels that can link to it. */
export interface Citation {
  /** Policy document id, e.g. "talent-20-rules". */
  doc: string;
  /** Article key, e.g. "第四条"; absent when the FAQ cites the whole document. */
  article?: string;
  /** Document title, e.g. "示例市人才新政20条". */
  title: string;
}

/**
 * What the bot says. `text` never contains the choices or the feedback prompt: a channel
 * with buttons shows `choices` / `feedback` as buttons, a text-only channel renders them
 * with renderText() ("回复 1、2、3", "回复 好 / 不好"). `text` does contain the citation
 * line of an answer ("依据：《…》第四条"); `citation` only says where to link.
 */
export interface Reply {
  text: string;
  choices?: ReplyChoice[];
  citation?: Citation;
  /** Offer 有帮助 / 没帮助 for this reply (set after `answered` replies). */
  feedback?: boolean;
  /**
   * Not to be kept by a channel that stores conversations (the web chat's transcript): the
   * eligibility check's questions and results, which carry the user's answers. Shown once.
   */
  unsaved?: boolean;
  /** Further articles the reply rests on, after `citation` (an eligibility result cites each benefit that applies). */
  citations?: Citation[];
  /** The reply asks for a number (a question of the eligibility check): a channel with its own input may offer a number keyboard. */
  number?: { unit?: string; min?: number; max?: number };
  /** For text-only channels: the line under numbered choices, when "回复 1、2、3 查看答案" does not fit (a question of the eligibility check). */
  choicesPrompt?: string;
  /**
   * Example questions (bot.yaml `examples`) offered with the greeting and the menu. A button
   * channel may show them as buttons that ask them; text channels leave them out (bot.yaml's
   * help already names examples in words, and the web page shows them by itself).
   */
  examples?: string[];
}

/** The words a button channel should send back for the feedback buttons. */
export const FEEDBACK_HELPFUL = "有帮助";
export const FEEDBACK_UNHELPFUL = "没帮助";
