// The temp-directory helper is shared with the rest of the suite.
export { useTempDirs } from "../helpers/temp-dirs.js";

/** A real-looking 18-character resident ID with a correct ISO 7064 MOD 11-2 check character. */
export function residentId(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((total, weight, index) => total + weight * Number(first17.charAt(index)), 0);
  return first17 + "10X98765432".charAt(sum % 11);
}

/** A card number with a correct Luhn check digit appended. */
export function luhnCard(withoutCheck: string): string {
  for (let check = 0; check <= 9; check++) {
    const candidate = withoutCheck + check;
    let sum = 0;
    for (let i = 0; i < candidate.length; i++) {
      let digit = Number(candidate.charAt(candidate.length - 1 - i));
      if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
      sum += digit;
    }
    if (sum % 10 === 0) return candidate;
  }
  throw new Error("unreachable");
}

/** Converts ASCII digits to full-width ones (１２３). */
export function fullWidth(text: string): string {
  return text.replace(/[0-9]/g, (digit) => String.fromCharCode(digit.charCodeAt(0) + 0xfee0));
}

/** Every byte the embedded log keeps on disk (questions.json and the monthly history), for "is it stored?" checks. */
export async function rawLogText(dataDir: string): Promise<string> {
  const { readFile, readdir } = await import("node:fs/promises");
  const { join } = await import("node:path");
  const texts = [await readFile(join(dataDir, "questions.json"), "utf8")];
  for (const name of (await readdir(join(dataDir, "questions")).catch(() => [])).sort()) texts.push(await readFile(join(dataDir, "questions", name), "utf8"));
  return texts.join("\n");
}
