import { normalize, type NormalizedText } from "./normalize.js";
import { Segmenter } from "./segment.js";
import { stemEnglish } from "./english.js";
import { SynonymMap } from "./synonyms.js";
import type { TaggedWord } from "./place.js";

/** A canonical word of a text (synonyms resolved) with the canonical parts of a compound. */
export interface Term {
  token: string;
  parts: string[];
  /** A stop word, kept only on request: a typo may have split a word into one (宣将 → 宣 / 将). */
  stop?: boolean;
}

/** A text turned into matching features; stop words removed. */
export interface Analysis extends NormalizedText {
  terms: Term[];
  /** Every word and part, for indexing a document. */
  tokens: string[];
}

/**
 * Words that say nothing about topic or intent. Question words (怎么, 什么, 多久, 哪里, 可以)
 * are NOT here: they separate "what to submit" from "how to apply" on the same subject.
 */
export const DEFAULT_STOPWORDS: readonly string[] = [
  "的",
  "了",
  "着",
  "过",
  "地",
  "得",
  "之",
  "我",
  "我们",
  "你",
  "你们",
  "您",
  "他",
  "她",
  "它",
  "他们",
  "是",
  "在",
  "和",
  "与",
  "及",
  "或",
  "也",
  "都",
  "就",
  "还",
  "又",
  "这",
  "那",
  "这个",
  "那个",
  "这些",
  "那些",
  "个",
  "一个",
  "一下",
  "一些",
  "想",
  "要",
  "请",
  "吗",
  "么",
  "给",
  "对",
  "把",
  "被",
  "让",
  "从",
  "向",
  "将",
  "自己",
  "家",
  "我家",
  "现在",
  "目前",
  "然后",
  "如果",
  "因为",
  "所以",
  "但是",
  "而且",
  "并且",
  "还是",
  "或者",
  "有没有",
  "是不是",
  "呢",
  "吧",
  "啊",
  "呀",
  "嘛",
  "哦",
  "嗯",
  "下",
  "里",
  "上",
];

export interface AnalyzerOptions {
  /** jieba user-dictionary lines (`词 频率 [词性]`). */
  dictionary?: readonly string[];
  /** Synonym groups, canonical first. */
  synonyms?: readonly (readonly string[])[];
  stopwords?: readonly string[];
}

/** Normalise → segment → drop stop words → map synonyms to their canonical word. */
export class Analyzer {
  readonly synonyms: SynonymMap;
  private readonly segmenter: Segmenter;
  private readonly stopwords: Set<string>;

  constructor(options: AnalyzerOptions = {}) {
    const groups = options.synonyms ?? [];
    // Latin synonyms are stored by stem so "documents" and "document" meet.
    this.synonyms = new SynonymMap(groups, (w) => (/^[a-z]+$/.test(w) ? stemEnglish(w) : w));
    // Synonym words become dictionary words, so jieba keeps 教资 or 买房 whole.
    const synonymWords = groups
      .flat()
      .filter((w) => /^\p{Script=Han}{2,}$/u.test(w))
      .map((w) => `${w} 3000`);
    this.segmenter = Segmenter.shared([...synonymWords, ...(options.dictionary ?? [])]);
    this.stopwords = new Set(options.stopwords ?? DEFAULT_STOPWORDS);
  }

  analyze(text: string): Analysis {
    const normalized = normalize(text);
    const terms = this.terms(normalized.core);
    return { ...normalized, terms, tokens: terms.flatMap((t) => [t.token, ...t.parts]) };
  }

  /** Canonical tokens (words and compound parts) of already-normalised text. */
  tokens(core: string): string[] {
    return this.terms(core).flatMap((t) => [t.token, ...t.parts]);
  }

  /** Canonical words of normalised text, stop words included: for short messages such as small talk. */
  words(clean: string): string[] {
    return this.segmenter.segment(clean).map((w) => this.synonyms.resolve(w.text));
  }

  /** A stop word (的, 我, 吗): says nothing about topic or intent. */
  isStopword(word: string): boolean {
    return this.stopwords.has(word);
  }

  /** The words of normalised text as written (no synonym resolution): for rewriting the text itself. */
  surfaceWords(clean: string): string[] {
    return this.segmenter.segment(clean).map((w) => w.text);
  }

  /** The words of normalised text as written, with jieba's part-of-speech tags: for telling place names. */
  taggedWords(core: string): TaggedWord[] {
    return this.segmenter.tag(core);
  }

  /** Canonical terms of already-normalised text; stop words dropped, or kept and marked. */
  terms(core: string, keepStopwords = false): Term[] {
    const out: Term[] = [];
    for (const word of this.segmenter.segment(core)) {
      const token = this.synonyms.resolve(word.text);
      if (this.stopwords.has(word.text) || this.stopwords.has(token)) {
        if (keepStopwords) out.push({ token: word.text, parts: [], stop: true });
        continue;
      }
      // A word replaced by its synonym's canonical form keeps none of its own parts (转过来 → 转学, not 过来).
      const own = token === word.text ? word.parts : [];
      const parts = [...new Set(own.map((p) => this.synonyms.resolve(p)))].filter((p) => p !== token && !this.stopwords.has(p));
      out.push({ token, parts });
    }
    return out;
  }
}
