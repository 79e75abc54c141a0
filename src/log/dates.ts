/** Local calendar date "YYYY-MM-DD": counters follow the bureau's working day, not UTC. */
export function localDateKey(date: Date): string {
  const month = String(date.getMonth() + 1).padStart(2, "0");
  const day = String(date.getDate()).padStart(2, "0");
  return `${date.getFullYear()}-${month}-${day}`;
}

/** All local dates of a month "YYYY-MM", or null if `month` is not such a string. */
export function daysOfMonth(month: string): string[] | null {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (match === null) return null;
  const year = Number(match[1]);
  const monthNumber = Number(match[2]);
  const length = new Date(year, monthNumber, 0).getDate();
  return Array.from({ length }, (_, index) => `${month}-${String(index + 1).padStart(2, "0")}`);
}

export const DAY_MS = 24 * 60 * 60 * 1000;
