/**
 * Place names a question asks about as a jurisdiction (深圳的租房补贴, 杭州市教育局, 上海人才引进),
 * told apart from places where someone is or comes from (在北京读的研究生, 从湖南转过来, 老家湖南).
 * A language rule over jieba's part-of-speech tags, not a gazetteer: jieba's dictionary tags
 * place names `ns`. Pure.
 */

/** A word with its jieba part-of-speech tag. */
export interface TaggedWord {
  word: string;
  tag: string;
}

/** jieba's tag for a place name. */
const PLACE_TAG = "ns";

/** Words before a place that make it where someone is, goes or comes from, not whose policy is asked. */
export const ORIGIN_WORDS: ReadonlySet<string> = new Set(["在", "从", "到", "来自", "去", "回", "回到", "离开", "老家", "是", "由", "往", "赴", "调到", "调往", "住", "住在"]);

/** Words after a place that make it the jurisdiction of what is asked: 深圳的补贴, 上海人才, 深圳高层次人才, 北京政策, 沈阳今年的招聘, 杭州教育局. */
export const JURISDICTION_FOLLOWERS: ReadonlySet<string> = new Set([
  "的",
  "人才",
  "高层次",
  "政策",
  "今年",
  "明年",
  "去年",
  "教育局",
  "政府",
  "那边",
  "这边",
  "地区",
  "当地",
  "本地",
  "市",
  "省",
  "市里",
  "省里",
  "的话",
]);

/** A "place" that opens with a determiner is no proper name: 各县区, 本市, 外省. */
const DETERMINER = /^[各本我全外该此这那每某]/u;

/**
 * A place name ending in an administrative level after a name of two characters or more (杭州市, 江苏省)
 * names a jurisdiction by itself; one character before it is a common noun jieba may tag as a place
 * (城市, 市区, 山区, 社区): that needs a follower (沛县的) like any other.
 */
const ADMINISTRATIVE_SUFFIX = /^\p{Script=Han}{2,}[省市县区]$/u;

/**
 * The place names in `words` that a question asks about as a jurisdiction, except those
 * `known(word)` accepts (places the knowledge base itself names).
 */
export function jurisdictionsNamed(words: readonly TaggedWord[], known: (word: string) => boolean): string[] {
  const named: string[] = [];
  words.forEach((w, i) => {
    if (w.tag !== PLACE_TAG || [...w.word].length < 2 || DETERMINER.test(w.word) || known(w.word)) return;
    const before = words[i - 1]?.word;
    if (before !== undefined && ORIGIN_WORDS.has(before)) return;
    const after = words[i + 1 + classLabelLength(words, i + 1)]?.word;
    if (ADMINISTRATIVE_SUFFIX.test(w.word) || (after !== undefined && followsAsJurisdiction(after))) named.push(w.word);
  });
  return named;
}

/** A class label is a Latin letter or number with 类, 级 or 档, kept whole by the dictionary or not: E类, e + 类, 3 + 级. */
const LABEL = /^[\p{Script=Latin}\d]+$/u;
const LABEL_UNIT = /^[类级档]$/u;

/**
 * How many words from `at` make a class label (0, 1 or 2): a place's own classification (杭州E类人才, 深圳A类人才)
 * stands between the place and what follows it, and the place is still the jurisdiction asked about.
 */
function classLabelLength(words: readonly TaggedWord[], at: number): number {
  const first = words[at]?.word;
  if (first === undefined) return 0;
  if (LABEL_UNIT.test(first.slice(-1)) && LABEL.test(first.slice(0, -1))) return 1;
  return LABEL.test(first) && LABEL_UNIT.test(words[at + 1]?.word ?? "") ? 2 : 0;
}

/** Followers of two characters or more: a word one of them opens follows as they do (one character opens too many: 的确, 市场). */
const OPENING_FOLLOWERS = [...JURISDICTION_FOLLOWERS].filter((f) => [...f].length >= 2);

/**
 * A follower, or a word a long follower opens (高层次人才, 人才子女: the dictionary keeps them whole), or either behind an
 * administrative level the dictionary keeps with it (杭州 + 市教育局, 江苏 + 省人才办).
 */
function followsAsJurisdiction(word: string): boolean {
  const follower = (w: string) => JURISDICTION_FOLLOWERS.has(w) || OPENING_FOLLOWERS.some((f) => w.startsWith(f));
  const afterLevel = /^[省市县区]/u.test(word) ? word.slice(1) : "";
  return follower(word) || ([...afterLevel].length >= 2 && follower(afterLevel));
}
