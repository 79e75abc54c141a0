import { dict } from "@node-rs/jieba/dict.js";
import type { FaqEntry, KnowledgeBase } from "#src/knowledge/types.js";

/** Deterministic pseudo-random numbers (mulberry32), so every bench run sees the same data. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rnd: () => number, items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;

/** Two- to four-character nouns of jieba's dictionary: realistic subjects for made-up entries. */
function dictionaryNouns(): string[] {
  const nouns: string[] = [];
  for (const line of Buffer.from(dict).toString("utf8").split("\n")) {
    const [word, , tag] = line.split(" ");
    if (word && tag?.startsWith("n") && /^\p{Script=Han}{2,4}$/u.test(word)) nouns.push(word);
  }
  return nouns;
}

/**
 * A knowledge base of `size` entries: each gets a subject noun from jieba's dictionary (so
 * entries differ as real ones do) followed by a phrasing of the sample, rotated. Policies,
 * synonyms and the dictionary are the sample's.
 */
export function syntheticKnowledge(sample: KnowledgeBase, size: number, seed = 42): KnowledgeBase {
  const rnd = random(seed);
  const phrases = sample.faqs.flatMap((f) => [f.question, ...f.alternates]).filter((p) => /\p{Script=Han}/u.test(p));
  const nouns = dictionaryNouns();
  const faqs: FaqEntry[] = [];
  for (let i = 0; i < size; i++) {
    const subject = pick(rnd, nouns);
    const variants = Array.from({ length: 3 }, () => {
      const base = pick(rnd, phrases);
      const cut = Math.floor(rnd() * base.length);
      return `${subject}${base.slice(cut)}${base.slice(0, cut)}`;
    });
    faqs.push({
      id: `synthetic-${i}`,
      question: variants[0]!,
      alternates: variants.slice(1),
      tags: [],
      sample: true,
      answer: `${subject}：${pick(rnd, sample.faqs).answer.slice(0, 120)}`,
      file: `faq/synthetic-${i}.md`,
    });
  }
  return { ...sample, faqs };
}

/** Questions for a knowledge base, each with the entry it came from: a phrasing with a character dropped and filler added. */
export function benchQuestions(kb: KnowledgeBase, count: number, seed = 7): { q: string; id: string }[] {
  const rnd = random(seed);
  return Array.from({ length: count }, () => {
    const f = pick(rnd, kb.faqs);
    const p = pick(rnd, [f.question, ...f.alternates]);
    const cut = Math.floor(rnd() * p.length);
    return { q: `请问${p.slice(0, cut)}${p.slice(cut + 1)}呢`, id: f.id };
  });
}
