/** Eligibility rules for the mini knowledge base (writeMiniKb(MINI_ELIGIBILITY)): four facts, three benefits on rules.md. */
export const MINI_ELIGIBILITY: Record<string, string> = {
  "eligibility/facts.yaml": [
    "schemaVersion: 1",
    "triggers: [政策计算器, 我能享受哪些政策]",
    "intro: 测试计算器开始。",
    "disclaimer: 以测试局审核为准。",
    "facts:",
    "  - id: talent_class",
    "    name: 人才类别",
    "    type: enum",
    "    question: 您是哪类人才？",
    "    choices:",
    "      - { value: C, label: C类人才 }",
    "      - { value: none, label: 不是人才 }",
    "  - id: age",
    "    name: 年龄",
    "    type: number",
    "    unit: 周岁",
    "    min: 16",
    "    max: 80",
    "    question: 您多少周岁？",
    "  - id: has_home",
    "    name: 自有住房",
    "    type: boolean",
    "    question: 您在本市有自有住房吗？",
    "  - id: child",
    "    name: 子女入学",
    "    type: boolean",
    "    question: 您有孩子要入学吗？",
  ].join("\n"),
  "eligibility/benefits.yaml": [
    "schemaVersion: 1",
    "sample: true",
    "benefits:",
    "  - id: housing",
    "    title: 购房补贴",
    "    summary: C类人才20万元",
    "    source: { doc: rules, article: 第二条 }",
    "    when:",
    "      all:",
    "        - { fact: talent_class, is: C }",
    "        - { fact: has_home, is: false, label: 在本市无自有住房 }",
    "  - id: apartment",
    "    title: 人才公寓",
    "    source: { doc: rules, article: 第三条 }",
    "    when:",
    "      all:",
    "        - { fact: age, atMost: 35 }",
    "        - { fact: has_home, is: false }",
    "  - id: enrolment",
    "    title: 子女入学",
    "    source: { doc: rules, article: 第一条 }",
    "    when:",
    "      all:",
    "        - { fact: talent_class, is: C }",
    "        - { fact: child, is: true }",
  ].join("\n"),
};

/**
 * What a whole check looks like from the user's side, for every channel: the question each
 * step asks, and what the user answers (the button / choice label, a number typed, or 跳过).
 * Answers: C类人才, 40, 否 (no home), skip the child question.
 */
export const MINI_DIALOGUE = [
  { question: "您是哪类人才？", answer: "C类人才", choices: ["C类人才", "不是人才", "不确定，跳过"] },
  { question: "您多少周岁？", answer: "40", choices: [] },
  { question: "您在本市有自有住房吗？", answer: "否", choices: ["是", "否", "不确定，跳过"] },
  { question: "您有孩子要入学吗？", answer: "不确定，跳过", choices: ["是", "否", "不确定，跳过"] },
] as const;

/** Checks the result text of MINI_DIALOGUE (applies / fails with its condition / depends on the skipped fact, article, contact, disclaimer). */
export function expectMiniResult(text: string, expect: (actual: unknown) => { toContain(s: string): void; toMatch(r: RegExp): void }): void {
  expect(text).toMatch(/可以享受（1 项）[\s\S]*购房补贴[\s\S]*原因：人才类别：C类人才（您的回答：C类人才）；在本市无自有住房（您的回答：否）[\s\S]*依据：《示例细则》第二条/);
  expect(text).toMatch(/暂不符合（1 项）[\s\S]*人才公寓——不满足：年龄不超过35周岁（您的回答：40周岁）（《示例细则》第三条）/);
  expect(text).toMatch(/取决于您跳过的问题（1 项）[\s\S]*子女入学——取决于：子女入学（《示例细则》第一条）/);
  expect(text).toContain("以测试局审核为准。");
  expect(text).toContain("0000-1234");
  expect(text).toContain("回复“政策计算器”可再算一次。");
}
