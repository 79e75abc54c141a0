import type { GroupStatus } from "../log/types.js";

export const GROUP_STATUSES: readonly GroupStatus[] = ["open", "replied", "promoted", "dismissed"];
