import { createRequire } from "node:module";

/**
 * English handling for foreign talents' questions, with `natural`'s aggressive tokenizer,
 * Porter stemmer and English stop-word list. Loaded from natural's deep paths: the package
 * root pulls in every storage backend (~0.5 s, ~115 MB, dotenv banners on stdout).
 */
interface PorterStemmer {
  stem(word: string): string;
}
interface Tokenizer {
  tokenize(text: string): string[];
}

const require = createRequire(import.meta.url);
let cached: { stemmer: PorterStemmer; tokenizer: Tokenizer; stopwords: Set<string> } | undefined;

function natural() {
  if (!cached) {
    const stemmer = require("natural/lib/natural/stemmers/porter_stemmer.js") as PorterStemmer;
    const Aggressive = require("natural/lib/natural/tokenizers/aggressive_tokenizer.js") as new () => Tokenizer;
    const { words } = require("natural/lib/natural/util/stopwords.js") as { words: string[] };
    cached = { stemmer, tokenizer: new Aggressive(), stopwords: new Set(words) };
  }
  return cached;
}

/** Stem of one English word (lower case); numbers pass through. */
export function stemEnglish(word: string): string {
  return /^[a-z]+$/.test(word) ? natural().stemmer.stem(word) : word;
}

/**
 * Question words stay although natural's list has them as stop words: "how do I apply" and
 * "when can I apply" ask different things, as 怎么 and 什么时候 do (synonyms.txt maps them).
 */
export const ENGLISH_QUESTION_WORDS: ReadonlySet<string> = new Set(["how", "what", "when", "where", "which", "who", "why"]);

/** English words of a Latin-script run, stop words (but not question words) removed, stemmed. */
export function englishTokens(text: string): string[] {
  const { tokenizer, stopwords } = natural();
  return tokenizer
    .tokenize(text)
    .map((w) => w.toLowerCase())
    .filter((w) => w.length > 0 && (ENGLISH_QUESTION_WORDS.has(w) || !stopwords.has(w)))
    .map(stemEnglish);
}
