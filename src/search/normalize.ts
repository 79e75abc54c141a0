import * as OpenCC from "opencc-js";

/**
 * Text normalisation shared by indexing and querying. Two forms come out:
 * - `clean`: NFKC (full-width → half-width), traditional → simplified, lower case, punctuation,
 *   symbols, emoji and control characters replaced by spaces — for small talk and display.
 * - `core`: `clean` without polite filler (请问, 你好, 麻烦问一下, 啊, 呢 …) — for matching.
 * Question words (怎么, 什么, 多久 …) are deliberately kept: they carry the question's intent.
 */
export interface NormalizedText {
  clean: string;
  core: string;
}

/** Filler phrases removed anywhere from the core form, longest first so 请问一下 goes before 请问. */
export const DEFAULT_FILLERS: readonly string[] = [
  "麻烦问一下",
  "想咨询一下",
  "我想咨询",
  "我想问一下",
  "想问一下",
  "请问一下",
  "我想问",
  "咨询一下",
  "打扰一下",
  "问一下",
  "请问",
  "您好",
  "你好",
  "老师好",
  "谢谢",
  "麻烦",
  "那个",
  "就是说",
  "哈哈",
];

/**
 * Sentence particles are removed only at the end of a clause (or repeated, 嗯嗯): inside a
 * clause they are often part of a word (哈尔滨, 吧台, 呢子).
 */
const TRAILING_PARTICLES = /[啊呢吧呀哦噢嗯哈啦嘛哎诶哇喔]+(?=\s|$)/g;
const LEADING_INTERJECTIONS = /(^|\s)[嗯哎诶哦噢哇喔]+/g;

type Converter = (text: string) => string;
let toSimplified: Converter | undefined;

/** Traditional (Taiwan and Hong Kong variants) → simplified; built once, it takes ~20 ms. */
function simplify(text: string): string {
  const convert = (toSimplified ??= OpenCC.Converter({ from: "hk", to: "cn" }));
  return convert(text);
}

// Lone surrogates and control characters become spaces: they carry no meaning and break encoders.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const NOT_WORD = /[^\p{L}\p{N}]+/gu;

export function cleanText(text: string): string {
  return simplify(text.replace(LONE_SURROGATE, " ").normalize("NFKC")).toLowerCase().replace(NOT_WORD, " ").trim().replace(/\s+/g, " ");
}

export function removeFillers(clean: string, fillers: readonly string[] = DEFAULT_FILLERS): string {
  let out = clean;
  for (const f of fillers) out = out.split(f).join(" ");
  out = out.replace(TRAILING_PARTICLES, "").replace(LEADING_INTERJECTIONS, "$1");
  return out.trim().replace(/\s+/g, " ");
}

export function normalize(text: string, fillers: readonly string[] = DEFAULT_FILLERS): NormalizedText {
  const clean = cleanText(text);
  const core = removeFillers(clean, fillers);
  // A message that is nothing but filler ("你好啊") keeps its clean form, so it can still be small talk.
  return { clean, core: core || clean };
}
