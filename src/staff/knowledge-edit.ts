import { formatProblem } from "../knowledge/errors.js";
import { checkKnowledge } from "../knowledge/load.js";
import type { KnowledgeBase } from "../knowledge/types.js";
import { StaffError } from "./errors.js";

/** The knowledge base as it is on disk; a staff edit starts only from a readable one. */
export async function readKnowledge(dir: string, retry: string): Promise<KnowledgeBase> {
  const { kb, problems } = await checkKnowledge(dir);
  if (!kb) throw new StaffError(`the knowledge base ${dir} cannot be read:\n${problems.map(formatProblem).join("\n")}\nFix it (talentbot kb check) and ${retry}.`);
  return kb;
}

/** Checks the knowledge base after writing `rel`; undoes the change if it brought problems of its own. */
export async function verify(dir: string, rel: string, undo: () => Promise<unknown>): Promise<void> {
  const { problems } = await checkKnowledge(dir);
  const ours = problems.filter((p) => p.file === rel || p.message.includes(rel));
  if (ours.length === 0) return;
  await undo();
  throw new StaffError(`the change to ${rel} would break the knowledge base, so it was undone:\n${ours.map(formatProblem).join("\n")}`);
}

/** maskPersonalData writes runs of "*". */
export const isMasked = (text: string) => /\*{2,}/.test(text);
