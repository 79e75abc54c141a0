/**
 * The staff work a chat can reach (`/pending`, `/reply`, see stages/slash-commands.ts). Owned by
 * the core so that it never imports src/staff; src/staff's desk (LogDesk) implements it, and
 * the composition root lends the running bot its one desk (BotOptions.staff).
 */
export interface StaffPort {
  list(filter: { status: "open" }): Promise<readonly { id: string; count: number; representative: string }[]>;
  reply(groupId: string, text: string): Promise<{ group: { id: string }; queued: readonly unknown[] }>;
}

/** The Chinese wording for staff that a desk error carries (StaffError.staffMessage), if it has one. */
export function staffWording(error: unknown): string | undefined {
  const wording = (error as { staffMessage?: unknown } | undefined)?.staffMessage;
  return error instanceof Error && typeof wording === "string" ? wording : undefined;
}
