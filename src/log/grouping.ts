import type { FaqCandidate, LoggedQuestion, QuestionGroup, Similarity } from "./types.js";

/** Variants and match keys kept per group: enough to show staff the wording, bounded so one popular group cannot bloat the file. */
export const MAX_GROUP_VARIANTS = 20;
const MAX_BEST_GUESSES = 5;

/**
 * The open group whose representative or variants are most similar to
 * `normalized`, if that similarity reaches `threshold`. Only open groups
 * collect new questions: once staff replied, promoted or dismissed a group,
 * a new asker needs a new decision.
 */
export function findMatchingGroup(groups: Iterable<QuestionGroup>, normalized: string, similarity: Similarity, threshold: number): QuestionGroup | undefined {
  let best: { group: QuestionGroup; score: number } | undefined;
  for (const group of groups) {
    if (group.status !== "open" || isHumanRequest(group)) continue;
    for (const key of group.matchKeys) {
      const score = similarity(key, normalized);
      if (score >= threshold && (best === undefined || score > best.score)) best = { group, score };
      if (score >= 1) return group; // cannot do better
    }
  }
  return best?.group;
}

/** A group opened by a request for a person (人工): never shared with other askers. */
export function isHumanRequest(group: QuestionGroup): boolean {
  return Object.keys(group.reasons).every((r) => r === "human");
}

/** A new open group seeded by its first question. */
export function startGroup(id: string, question: LoggedQuestion): QuestionGroup {
  const group: QuestionGroup = {
    id,
    status: "open",
    representative: question.text,
    variants: [],
    matchKeys: [],
    count: 0,
    firstAskedAt: question.askedAt,
    lastAskedAt: question.askedAt,
    channels: [],
    reasons: {},
    bestGuesses: [],
    updatedAt: question.askedAt,
  };
  addToGroup(group, question);
  return group;
}

/** Folds one more question into the group's counts and samples. */
export function addToGroup(group: QuestionGroup, question: LoggedQuestion): void {
  group.count++;
  if (question.askedAt < group.firstAskedAt) group.firstAskedAt = question.askedAt;
  if (question.askedAt > group.lastAskedAt) group.lastAskedAt = question.askedAt;
  group.updatedAt = question.askedAt > group.updatedAt ? question.askedAt : group.updatedAt;
  addDistinct(group.variants, question.text, MAX_GROUP_VARIANTS);
  addDistinct(group.matchKeys, question.normalized, MAX_GROUP_VARIANTS);
  addDistinct(group.channels, question.channel, Number.POSITIVE_INFINITY);
  group.reasons[question.reason] = (group.reasons[question.reason] ?? 0) + 1;
  group.bestGuesses = mergeGuesses(group.bestGuesses, question.candidates);
}

function addDistinct(list: string[], value: string, limit: number): void {
  if (list.length < limit && !list.includes(value)) list.push(value);
}

/** Keeps the highest score per FAQ, best first. */
function mergeGuesses(current: FaqCandidate[], incoming: FaqCandidate[]): FaqCandidate[] {
  const best = new Map<string, number>();
  for (const { faqId, score } of [...current, ...incoming]) {
    best.set(faqId, Math.max(score, best.get(faqId) ?? Number.NEGATIVE_INFINITY));
  }
  return [...best.entries()]
    .map(([faqId, score]) => ({ faqId, score }))
    .sort((a, b) => b.score - a.score)
    .slice(0, MAX_BEST_GUESSES);
}

/** Most asked first; among equals the most recently asked. */
export function compareGroupsForStaff(a: QuestionGroup, b: QuestionGroup): number {
  if (a.count !== b.count) return b.count - a.count;
  return a.lastAskedAt < b.lastAskedAt ? 1 : a.lastAskedAt > b.lastAskedAt ? -1 : 0;
}
