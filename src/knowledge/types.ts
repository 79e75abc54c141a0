import type { EligibilityRules } from "./eligibility.js";
/** Shapes of the knowledge base that bureau staff edit under `knowledge/`. See DESIGN.md "Formats". */

/** The schema version every knowledge file declares (front matter or first-line comment). */
export const KNOWLEDGE_SCHEMA_VERSION = 1;

export interface SourceRef {
  /** Policy document id, e.g. `talent-20-rules`. */
  doc: string;
  /** Article key inside that document, e.g. `第八条` or `三、报名条件`. */
  article?: string;
}

export interface FaqEntry {
  id: string;
  question: string;
  alternates: string[];
  tags: string[];
  audience?: string;
  source?: SourceRef;
  /** ISO date (YYYY-MM-DD) of the last content change. */
  updated?: string;
  sample: boolean;
  /** Markdown body: the answer shown to the user. */
  answer: string;
  /** Path relative to the knowledge directory, for messages. */
  file: string;
}

export interface PolicyArticle {
  /** Addressable key: `第八条` for `## 第八条 子女入学`, else the whole heading text. */
  key: string;
  title: string;
  text: string;
  line: number;
}

export interface PolicyDoc {
  id: string;
  title: string;
  issuer?: string;
  issued?: string;
  sample: boolean;
  preamble: string;
  articles: PolicyArticle[];
  file: string;
}

export interface SmalltalkIntent {
  id: string;
  examples: string[];
  reply: string;
}

/** One example question no FAQ answers, with its line in out-of-scope.md (for messages). */
export interface OutOfScopeExample {
  text: string;
  line: number;
}

/** A subject the FAQ deliberately does not cover (`## 租房与人才公寓` in out-of-scope.md) and how people ask about it. */
export interface OutOfScopeGroup {
  subject: string;
  examples: OutOfScopeExample[];
}

export interface StaffContact {
  phone: string;
  address: string;
  hours: string;
  email?: string;
}

export interface BotConfig {
  schemaVersion: number;
  botName: string;
  greeting: string;
  help: string;
  examples: string[];
  notFound: string;
  excerptIntro: string;
  staffContact: StaffContact;
  retentionDays: number;
  /**
   * The place whose policies the knowledge base holds (示例市). When set, a question about
   * another place's policy (深圳的租房补贴) is not answered from this one's. Unset: no such check.
   */
  jurisdiction?: string;
}

export interface KnowledgeBase {
  dir: string;
  faqs: FaqEntry[];
  policies: PolicyDoc[];
  /** Synonym groups, canonical word first. */
  synonyms: string[][];
  /** jieba user-dictionary lines (`词 频率 词性`), comments removed. */
  dictionary: string[];
  smalltalk: SmalltalkIntent[];
  /** Questions no FAQ answers (negative examples, like a fallback intent's): never answered from an FAQ. */
  outOfScope: OutOfScopeGroup[];
  bot: BotConfig;
  /** The eligibility check's facts and benefits (`eligibility/`); absent when the folder is. Not part of the model's knowledge hash: rules do not affect answering. */
  eligibility?: EligibilityRules;
}
