import { withoutControlCharacters } from "./control-characters.js";

export { escapeControlCharacters, escapeControlCharactersInJson, withoutControlCharacters } from "./control-characters.js";

/**
 * Masks personal data in free text before it is stored or printed.
 *
 * Detection runs on a copy of the text in which every character is replaced
 * by its NFKC form when that form is a single character (full-width digits
 * "１３８", "＠", "－", ideographic space …). The copy has the same length as
 * the original, so a match found in the copy can be cut out of the original.
 * Masked spans are written with the normalised (half-width) characters.
 *
 * What is masked, in order of priority (an earlier kind wins on overlap):
 *   1. e-mail addresses                 zhang.san@example.com → z***@example.com
 *   2. resident ID numbers (18 chars) with a valid ISO 7064 MOD 11-2 check
 *                                       11010519491231002X → 110105********002X
 *   3. bank cards, 16–19 digits, Luhn-valid, optionally grouped in fours
 *                                       6222 0212 3456 7893 → 6222 **** **** 7893
 *   4. 16–19-digit runs a few characters after 卡 / 卡号 / 账号 / 账户 (or before 卡, 这张卡)
 *      whatever their checksum: people mistype card and account numbers
 *                                       银行卡号6222020200112233445 → 银行卡号6222***********3445
 *   5. 18-digit strings that fail both checks but carry a plausible birth
 *      date: most likely a mistyped ID number, still personal data
 *      and 15-digit first-generation ID numbers (region, YYMMDD, sequence)
 *                                       110105491231002 → 110105******002
 *   6. passport numbers: one or two letters, a space or dash or not, 7–8 digits (E12345678, E 12345678)
 *                                       E12345678 → E1*****78
 *   7. room numbers of an address: the digits before 室 / 房 / 号房
 *                                       3栋1502室 → 3栋****室, 1502房 → ****房, 房间号1502 → 房间号****
 *      and house numbers after a street word (路 街 巷 弄 道 胡同) before 号
 *                                       幸福路88号 → 幸福路**号
 *   8. mainland mobile numbers, +86/0086/86 prefix optional, grouped any way
 *      (138_1234_5678, 1 3 8…, 138，1234…), in Chinese digits too (一三八…)
 *                                       138-1234-5678 → 138****5678
 *   9. landlines with an area code     0431-12345678 → 0431-****5678
 *
 * Numbers are only matched when not glued to further digits: years, amounts, dates,
 * document numbers and a bare 16-digit order number failing Luhn stay readable.
 * Control characters are removed first (see withoutControlCharacters).
 */
export function maskPersonalData(input: string): string {
  const text = withoutControlCharacters(input);
  const probes = { plain: detectionCopy(text, false), digits: detectionCopy(text, true) };
  const spans: MaskSpan[] = [];
  for (const detect of DETECTORS) {
    for (const span of detect(probes.plain, probes.digits)) {
      if (!spans.some((taken) => span.start < taken.end && taken.start < span.end)) spans.push(span);
    }
  }
  spans.sort((a, b) => a.start - b.start);
  let masked = "";
  let cursor = 0;
  for (const span of spans) {
    masked += text.slice(cursor, span.start) + span.replacement.replaceAll(FILLER, "");
    cursor = span.end;
  }
  return masked + text.slice(cursor);
}

interface MaskSpan {
  start: number;
  end: number;
  replacement: string;
}

/** `withChineseDigits` reads 一三八 as 138: only phone numbers are read out digit by digit (这一串 stays a word). */
type Detector = (probe: string, withChineseDigits: string) => MaskSpan[];

/**
 * Same length as `text`; each UTF-16 unit replaced by its NFKC form when that is one unit, so a match in the
 * copy can be cut out of the original. A surrogate pair whose NFKC form is one unit (mathematical bold digits
 * 𝟏𝟑𝟖) becomes that unit and FILLER; Chinese digits (一三八, 〇, 幺, 壹叁捌) become ASCII digits.
 */
function detectionCopy(text: string, readChineseDigits: boolean): string {
  let copy = "";
  for (let i = 0; i < text.length; i++) {
    const unit = text.charAt(i);
    const code = unit.charCodeAt(0);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const pair = text.slice(i, i + 2);
      const normalised = pair.normalize("NFKC");
      copy += normalised.length === 1 ? normalised + FILLER : pair;
      i++;
      continue;
    }
    const normalised = unit.normalize("NFKC");
    const single = normalised.length === 1 ? normalised : unit;
    copy += (readChineseDigits ? CHINESE_DIGITS[single] : undefined) ?? single;
  }
  return copy;
}

/** The second half of a surrogate pair in the detection copy: a separator, never a digit. */
const FILLER = "\uE000";

// The characters read as each digit 0–9 (ordinary, 幺 as read out in phone numbers, financial).
const CHINESE_DIGITS: Readonly<Record<string, string>> = Object.fromEntries(
  ["〇零○", "一幺壹", "二贰貳", "三叁參", "四肆", "五伍", "六陆陸", "七柒", "八捌", "九玖"].flatMap((chars, digit) => [...chars].map((c) => [c, String(digit)])),
);

function collect(probe: string, pattern: RegExp, mask: (match: RegExpExecArray) => string | null): MaskSpan[] {
  const spans: MaskSpan[] = [];
  for (const match of probe.matchAll(pattern)) {
    const replacement = mask(match);
    if (replacement !== null) {
      // A match ending on the first half of a surrogate pair takes its second half (FILLER) too.
      const end = match.index + match[0].length;
      spans.push({ start: match.index, end: probe.charAt(end) === FILLER ? end + 1 : end, replacement });
    }
  }
  return spans;
}

const digitsOf = (value: string): string => value.replace(/[^0-9Xx]/g, "");

/**
 * What people type between the groups of a number: spaces (line breaks too), dashes (en, em), dots, middle dots,
 * brackets (（110105）1949…), underscores, slashes — up to three (138 - 1234 - 5678). Disjoint from
 * the digits, so a pattern built with it matches in one way only (no backtracking blow-up).
 */
const SEPARATORS = `\\s.\\-\u2013\u2014\u00b7()_/${FILLER}`;
const SEP = `[${SEPARATORS}]{0,3}`;

// ---------------------------------------------------------------- e-mail

// Internationalised addresses too (张三@例子.中国, user@bücher.de): a Han local part is taken at most
// six characters back, so the sentence before it is not swallowed.
const EMAIL = /(?:[A-Za-z0-9._%+-]+|\p{Script=Han}{1,6})@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.(?:[A-Za-z]{2,}|\p{L}{2,})/gu;

const detectEmails: Detector = (probe) =>
  collect(probe, EMAIL, (match) => {
    const at = match[0].indexOf("@");
    return `${match[0].charAt(0)}***${match[0].slice(at)}`;
  });

// ------------------------------------------------------------ ID numbers

// 6-digit region, 8-digit birth date, 3-digit sequence, check character;
// people sometimes type spaces or dashes between the parts.
// Grouped any way people group it (6-8-4, 6-4-4-4, threes): 17 digits and a check character, separators between any two.
const ID_NUMBER = new RegExp(`(?<![0-9])\\d(?:${SEP}\\d){16}${SEP}[0-9Xx](?![0-9A-Za-z])`, "g");

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const ID_CHECK_CHARACTERS = "10X98765432";

/** ISO 7064 MOD 11-2 check used by 18-character resident ID numbers. */
export function isValidResidentId(id: string): boolean {
  if (!/^\d{17}[0-9Xx]$/.test(id)) return false;
  let sum = 0;
  ID_WEIGHTS.forEach((weight, index) => {
    sum += Number(id.charAt(index)) * weight;
  });
  return ID_CHECK_CHARACTERS.charAt(sum % 11) === id.charAt(17).toUpperCase();
}

const maskId = (id: string): string => `${id.slice(0, 6)}********${id.slice(14)}`;

const detectValidIds: Detector = (probe) =>
  collect(probe, ID_NUMBER, (match) => {
    const id = digitsOf(match[0]);
    return isValidResidentId(id) ? maskId(id) : null;
  });

/** Birth date in 1900–2099 with a possible month and day: enough to call it an ID with a typo. */
function hasPlausibleBirthDate(id: string): boolean {
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  return year >= 1900 && year <= 2099 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

const detectMistypedIds: Detector = (probe) =>
  collect(probe, ID_NUMBER, (match) => {
    const id = digitsOf(match[0]);
    return hasPlausibleBirthDate(id) ? maskId(id) : null;
  });

// The first-generation ID (before 1999, still on old documents): 6-digit region, YYMMDD, 3-digit sequence.
const OLD_ID_NUMBER = new RegExp(`(?<![0-9])(\\d{6})${SEP}(\\d{6})${SEP}(\\d{3})(?![0-9A-Za-z])`, "g");

const detectOldIds: Detector = (probe) =>
  collect(probe, OLD_ID_NUMBER, (match) => {
    const [, region, birth, sequence] = match as unknown as [string, string, string, string];
    const month = Number(birth.slice(2, 4));
    const day = Number(birth.slice(4, 6));
    return month >= 1 && month <= 12 && day >= 1 && day <= 31 ? `${region}******${sequence}` : null;
  });

// ------------------------------------------------------------ bank cards

const BANK_CARD = new RegExp(`(?<![0-9])\\d{4}(?:${SEP}\\d{4}){3}(?:${SEP}\\d{1,3})?(?![0-9])`, "g");

/** Luhn (mod 10) check used by bank card numbers. */
export function isLuhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits.charAt(digits.length - 1 - i));
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

const detectBankCards: Detector = (probe) =>
  collect(probe, BANK_CARD, (match) => {
    const digits = digitsOf(match[0]);
    if (digits.length < 16 || digits.length > 19 || !isLuhnValid(digits)) return null;
    return maskDigitsBetween(match[0], 4, digits.length - 4);
  });

/** Replaces digits with index in [keepFirst, keepFrom) by "*", leaving separators in place. */
function maskDigitsBetween(value: string, keepFirst: number, keepFrom: number): string {
  let seen = 0;
  let masked = "";
  for (const character of value) {
    if (/[0-9]/.test(character)) {
      masked += seen >= keepFirst && seen < keepFrom ? "*" : character;
      seen++;
    } else {
      masked += character;
    }
  }
  return masked;
}

// A card or account number next to the word for it is personal data even when mistyped.
// The word may stand a few characters away: 银行卡（工行）6222…, 6222…这张卡.
const CARD_WORD_BEFORE = /(?:卡|账号|账户|帐号|帐户)[^0-9]{0,16}$/;
const CARD_WORD_AFTER = /^[^0-9]{0,12}(?:卡|账号|账户|帐号|帐户)/;
const DIGIT_RUN = new RegExp(`(?<![0-9])\\d(?:${SEP}\\d){15,18}(?![0-9])`, "g");

const detectNumbersCalledCards: Detector = (probe) =>
  collect(probe, DIGIT_RUN, (match) => {
    const digits = digitsOf(match[0]);
    if (digits.length < 16 || digits.length > 19) return null;
    const before = probe.slice(Math.max(0, match.index - 20), match.index);
    const after = probe.slice(match.index + match[0].length, match.index + match[0].length + 16);
    if (!CARD_WORD_BEFORE.test(before) && !CARD_WORD_AFTER.test(after)) return null;
    return maskDigitsBetween(match[0], 4, digits.length - 4);
  });

// ------------------------------------------------ passports, room numbers

const PASSPORT = /(?<![A-Za-z0-9])[A-Za-z]{1,2}[\s-]?\d{7,8}(?![A-Za-z0-9])/g;

const detectPassports: Detector = (probe) =>
  collect(probe, PASSPORT, (match) => {
    const value = match[0];
    const letters = value.length - (value.match(/\d/g)?.length ?? 0);
    return value.slice(0, letters + 1) + "*".repeat(value.length - letters - 3) + value.slice(-2);
  });

// Where someone lives is personal; the street may stay (staff need the district), the room not.
// 号 also ends document numbers (〔2023〕15号) that must stay readable: only after a street word.
const ROOM = /(?<![0-9])\d{2,5}(?=\s?(?:室|号?房))/g;

// A house number is 号 right after a street word, which a document number (〔2023〕15号, 第3号) never follows.
const HOUSE_NUMBER = /(?<=(?:[路街巷弄道]|胡同)\s?)\d{1,5}(?=\s?号)/g;

// A room named by its word before the digits: 房间号1502, 门牌号: 302.
const ROOM_AFTER_WORD = /(?<=(?:房间号|房号|门牌号|室号)[\s:：是为]{0,3})\d{2,6}(?![0-9])/g;

const detectRooms: Detector = (probe) => [ROOM, ROOM_AFTER_WORD, HOUSE_NUMBER].flatMap((pattern) => collect(probe, pattern, (match) => "*".repeat(match[0].length)));

// --------------------------------------------------------- phone numbers

// A mobile number grouped any way (3-4-4, 4-3-4, a digit at a time), with sentence punctuation
// between the groups too (138，1234，5678): eleven digits starting 1[3-9], not glued to more digits.
const MOBILE_SEP = `[${SEPARATORS}，,、。；;]{0,3}`;
const MOBILE = new RegExp(`(?<![0-9+])((?:\\+86|0086|86)${MOBILE_SEP})?\\(?1${MOBILE_SEP}[3-9](?:${MOBILE_SEP}\\d){9}(?![0-9])`, "g");

const detectMobiles: Detector = (_probe, withChineseDigits) =>
  collect(withChineseDigits, MOBILE, (match) => {
    const prefix = match[1] ?? "";
    const digits = digitsOf(match[0].slice(prefix.length));
    return `${prefix.replaceAll(FILLER, "")}${digits.slice(0, 3)}****${digits.slice(7)}`;
  });

// Area codes are 3–4 digits starting with 0 (010, 0431); local numbers 7–8 digits.
const LANDLINE = new RegExp(`(?<![0-9])(\\(?0\\d{2,3}\\)?${SEP})(\\d{3,4})${SEP}(\\d{4})(?![0-9])`, "g");

const detectLandlines: Detector = (probe) => collect(probe, LANDLINE, (match) => `${match[1] ?? ""}****${match[3] ?? ""}`);

const DETECTORS: readonly Detector[] = [
  detectEmails,
  detectValidIds,
  detectBankCards,
  detectNumbersCalledCards,
  detectMistypedIds,
  detectOldIds,
  detectPassports,
  detectRooms,
  detectMobiles,
  detectLandlines,
];
