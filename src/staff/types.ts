import type { GroupStatus } from "../log/types.js";

export const GROUP_STATUSES: readonly GroupStatus[] = ["open", "replied", "promoted", "dismissed"];

/** A group question that a promote or out-of-scope action did not add: `why` for operators (CLI), `staffWhy` in Chinese for the console. */
export interface SkippedPhrasing {
  text: string;
  why: string;
  staffWhy: string;
}
