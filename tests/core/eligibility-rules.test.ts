import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluate, nextFact, results } from "../../src/core/eligibility/evaluate.js";
import { parseNumber } from "../../src/core/eligibility/dialogue.js";
import type { EligibilityRules, FactValue } from "../../src/knowledge/eligibility.js";
import { checkKnowledge, loadKnowledge } from "../../src/knowledge/load.js";
import { writeMiniKb } from "../helpers/mini-kb.js";
import { PROJECT_ROOT } from "../helpers/temp-dirs.js";

let rules: EligibilityRules;
beforeAll(async () => {
  rules = (await loadKnowledge(join(PROJECT_ROOT, "knowledge"))).eligibility!;
});

type Facts = Record<string, FactValue>;
// A certified C-class teacher who just bought a first home, with a child in junior school.
const teacher: Facts = {
  talent_class: "C",
  employer: "edu",
  recruited: false,
  degree: "master",
  shortage_major: false,
  contract_years: 5,
  housing: "first_purchase",
  months_since_contract: 10,
  in_apartment: false,
  child_stage: "junior",
  child_age: 13,
  local_hukou: true,
  spouse_relocating: true,
  title: "deputy",
  frontline: true,
  teaching_years: 12,
  age: 40,
  graduate_status: "other",
  top30: false,
};
// A 2024 graduate in a shortage subject, recruited to a school, renting.
const graduate: Facts = {
  talent_class: "none",
  employer: "edu",
  recruited: true,
  degree: "master",
  shortage_major: true,
  contract_years: 5,
  housing: "none",
  months_since_contract: 0,
  in_apartment: false,
  child_stage: "none",
  child_age: 0,
  local_hukou: false,
  spouse_relocating: false,
  title: "junior",
  frontline: true,
  teaching_years: 0,
  age: 26,
  graduate_status: "fresh",
  top30: false,
};

/** Every sample benefit: one applicant who qualifies, and the one fact that makes them miss it. */
const CASES: Record<string, { qualifies: Facts; miss: Facts; failing: string }> = {
  "talent-certification-e": { qualifies: { ...graduate, degree: "doctor_ft", contract_years: 3 }, miss: { contract_years: 2 }, failing: "劳动（聘用）合同或服务协议期限不少于3年" },
  "housing-subsidy-talent": { qualifies: teacher, miss: { months_since_contract: 25 }, failing: "自购房合同网签之日起2年内申请" },
  "housing-subsidy-graduate": { qualifies: { ...graduate, housing: "first_purchase", months_since_contract: 3 }, miss: { contract_years: 4 }, failing: "5年以上服务协议" },
  "talent-apartment-free": { qualifies: teacher, miss: { talent_class: "D" }, failing: "人才类别" },
  "talent-apartment-half": { qualifies: { ...teacher, talent_class: "E" }, miss: { talent_class: "none" }, failing: "人才类别" },
  "rent-subsidy": { qualifies: graduate, miss: { in_apartment: true }, failing: "未入住人才公寓" },
  "child-enrolment": { qualifies: teacher, miss: { talent_class: "none" }, failing: "经认定的A—E类人才，或引进" },
  "nonlocal-hukou-enrolment": { qualifies: { ...teacher, local_hukou: false }, miss: { local_hukou: true }, failing: "子女户籍" },
  "kindergarten-priority": { qualifies: { ...graduate, child_stage: "kindergarten", child_age: 3 }, miss: { child_age: 2 }, failing: "子女年龄不少于3周岁" },
  "zhongkao-bonus-10": { qualifies: teacher, miss: { child_stage: "primary" }, failing: "子女在本市初中就读" },
  "zhongkao-bonus-5": { qualifies: { ...graduate, child_stage: "junior" }, miss: { shortage_major: false }, failing: "D、E类人才或引进的紧缺专业人才" },
  "medical-green-channel": { qualifies: teacher, miss: { talent_class: "E" }, failing: "人才类别" },
  "health-checkup": { qualifies: { ...teacher, talent_class: "D" }, miss: { talent_class: "C" }, failing: "人才类别" },
  "spouse-employment": { qualifies: teacher, miss: { spouse_relocating: false }, failing: "配偶随迁就业" },
  "special-allowance-nomination": { qualifies: teacher, miss: { title: "intermediate" }, failing: "副高级以上职称" },
  "border-support": { qualifies: teacher, miss: { teaching_years: 4 }, failing: "教龄不少于5年" },
  "talent-specialist": { qualifies: teacher, miss: { talent_class: "D" }, failing: "人才类别" },
  "recruit-2024-apply": { qualifies: graduate, miss: { age: 36 }, failing: "学历和年龄符合" },
  "recruit-2024-early-signing": { qualifies: { ...graduate, degree: "bachelor", top30: true }, miss: { top30: false }, failing: "排名前30%" },
};

const outcome = (id: string, facts: Facts) => results(rules, new Map(Object.entries(facts))).find((r) => r.benefit.id === id)!;

describe("eligibility rules of the sample (knowledge/eligibility/)", () => {
  it("has a qualifying and a missing applicant for every benefit, and nothing else", () => {
    expect(Object.keys(CASES).sort()).toEqual(rules.benefits.map((b) => b.id).sort());
  });

  for (const [id, c] of Object.entries(CASES)) {
    it(`${id}: applies to the qualifying applicant, and fails by one condition`, () => {
      const yes = outcome(id, c.qualifies);
      expect(yes.outcome, JSON.stringify(yes.reasons)).toBe("applies");
      expect(yes.reasons.length).toBeGreaterThan(0);
      const no = outcome(id, { ...c.qualifies, ...c.miss });
      expect(no.outcome).toBe("fails");
      expect(no.reasons.join("；")).toContain(c.failing);
    });
  }

  it("cites existing articles and marks the sample figures", () => {
    for (const b of rules.benefits) {
      expect(b.sample).toBe(true);
      expect(["talent-20-rules", "recruit-2024-notice"]).toContain(b.source.doc);
      expect(b.source.article).toBeTruthy();
    }
  });
});

describe("three-valued evaluation", () => {
  it("is unknown while a needed fact is missing, and decided as soon as one branch settles it", () => {
    const b = rules.benefits.find((x) => x.id === "housing-subsidy-talent")!;
    expect(evaluate(b.when, new Map())).toBeUndefined();
    expect(evaluate(b.when, new Map([["talent_class", "none"]]))).toBe(false);
    expect(
      evaluate(
        b.when,
        new Map<string, FactValue>([
          ["talent_class", "B"],
          ["housing", "first_purchase"],
        ]),
      ),
    ).toBeUndefined();
  });

  it("asks only facts that still change a result: nothing about housing dates once nobody can get a housing subsidy", () => {
    const values = new Map<string, FactValue>([
      ["talent_class", "none"],
      ["recruited", false],
      ["housing", "first_purchase"],
    ]);
    const asked: string[] = [];
    for (let f = nextFact(rules, values, new Set()); f; f = nextFact(rules, values, new Set())) {
      asked.push(f.id);
      values.set(f.id, f.type === "number" ? 1 : f.choices.at(-1)!.value === "true" ? true : f.type === "boolean" ? false : f.choices.at(-1)!.value);
    }
    expect(asked).not.toContain("months_since_contract");
    expect(asked).not.toContain("in_apartment");
    expect(asked).not.toContain("spouse_relocating");
    expect(results(rules, values).every((r) => r.outcome !== "unknown")).toBe(true);
  });

  it("a skipped fact leaves the benefits that depend on it open, naming the fact", () => {
    const values = new Map<string, FactValue>(Object.entries({ ...teacher }));
    values.delete("spouse_relocating");
    const r = results(rules, values).find((x) => x.benefit.id === "spouse-employment")!;
    expect(r).toMatchObject({ outcome: "unknown", reasons: ["配偶随迁就业"] });
  });

  it("reads numbers the way people type them", () => {
    expect(parseNumber("35")).toBe(35);
    expect(parseNumber("35周岁", "周岁")).toBe(35);
    expect(parseNumber("三十五")).toBe(35);
    expect(parseNumber("两年", "年")).toBe(2);
    expect(parseNumber("十")).toBe(10);
    expect(parseNumber("三十多")).toBeUndefined();
    expect(parseNumber("abc")).toBeUndefined();
  });
});

describe("kb check of eligibility files", () => {
  const facts = [
    "schemaVersion: 1",
    "triggers: [政策计算器]",
    "facts:",
    "  - id: age",
    "    type: number",
    "    unit: 周岁",
    "    min: 16",
    "    max: 80",
    "    question: 您多大？",
    "  - id: kind",
    "    type: enum",
    "    question: 哪类？",
    "    choices:",
    "      - { value: a, label: 甲 }",
    "      - { value: b, label: 乙 }",
  ].join("\n");

  it("reports unknown facts, wrong values, contradictions, unreachable branches and missing articles with file:line and a fix", async () => {
    const dir = await writeMiniKb({
      "eligibility/facts.yaml": facts,
      "eligibility/benefits.yaml": [
        "schemaVersion: 1", // 1
        "benefits:", // 2
        "  - id: one", // 3
        "    title: 一", // 4
        "    source: { doc: rules, article: 第一条 }", // 5
        "    when: { fact: salary, atLeast: 3 }", // 6
        "  - id: two", // 7
        "    title: 二", // 8
        "    source: { doc: rules, article: 第九条 }", // 9
        "    when:", // 10
        "      all:", // 11
        "        - { fact: age, atLeast: 40 }", // 12
        "        - { fact: age, atMost: 30 }", // 13
        "  - id: three", // 14
        "    title: 三", // 15
        "    source: { doc: nowhere }", // 16
        "    when:", // 17
        "      all:", // 18
        "        - { fact: kind, is: a }", // 19
        "        - any:", // 20
        "            - { fact: kind, is: b }", // 21
        "            - all: [{ fact: age, atLeast: 50 }, { fact: age, atMost: 20 }]", // 22
        "            - { fact: age, atLeast: 18 }", // 23
        "  - id: four", // 24
        "    title: 四", // 25
        "    source: { doc: rules }", // 26
        "    when: { any: [{ fact: kind, atLeast: 2 }, { fact: kind, is: c }] }", // 27
      ].join("\n"),
    });
    const { problems } = await checkKnowledge(dir);
    const at = (line: number) => problems.filter((p) => p.file === "eligibility/benefits.yaml" && p.line === line).map((p) => `${p.message} → ${p.fix}`);
    expect(at(6).join()).toMatch(/unknown fact "salary".*declare it in eligibility\/facts\.yaml/);
    expect(at(7).join()).toMatch(/article "第九条", which is not in policies\/rules\.md/);
    expect(at(11).join()).toMatch(/contradict each other/);
    expect(at(21).join()).toMatch(/this branch of an `any` in "three" can never be true/); // kind is a (line 19) and b
    expect(at(22).join()).toMatch(/this branch of an `any` in "three" can never be true/);
    expect(at(14).join()).toMatch(/document "nowhere", which does not exist/);
    expect(at(27).join()).toMatch(/`atLeast` compares numbers.*→ use `is:` or `in:`/);
    expect(at(27).join()).toMatch(/"c" is not a value of fact "kind" → use one of: a, b/);
    expect(problems).toHaveLength(8); // also the unknown value "c" on line 27
  });

  it("finds a branch of an `any` that can never be true, and a trigger that hides an FAQ phrasing", async () => {
    const dir = await writeMiniKb({
      "eligibility/facts.yaml": facts.replace("triggers: [政策计算器]", "triggers: [政策计算器, 入学材料清单]"),
      "eligibility/benefits.yaml": [
        "schemaVersion: 1",
        "benefits:",
        "  - id: one",
        "    title: 一",
        "    source: { doc: rules, article: 第一条 }",
        "    when:",
        "      any:",
        "        - all: [{ fact: age, atLeast: 50 }, { fact: age, atMost: 20 }]",
        "        - { fact: kind, is: a }",
      ].join("\n"),
    });
    const { problems } = await checkKnowledge(dir);
    expect(problems.map((p) => `${p.file}:${p.line ?? ""} ${p.message}`)).toEqual([
      'eligibility/benefits.yaml:8 this branch of an `any` in "one" can never be true (on its own or together with the conditions it sits under)',
      'eligibility/facts.yaml: trigger "入学材料清单" is also a question or alternate of enroll-materials: that FAQ could never be reached with it',
    ]);
  });

  it("refuses a file without schemaVersion or of another version", async () => {
    const dir = await writeMiniKb({
      "eligibility/facts.yaml": facts.replace("schemaVersion: 1", "schemaVersion: 2"),
      "eligibility/benefits.yaml": "benefits:\n  - id: one\n    title: 一\n    source: { doc: rules }\n    when: { fact: kind, is: a }\n",
    });
    const { problems } = await checkKnowledge(dir);
    expect(problems.map((p) => `${p.file}:${p.line} ${p.message}`)).toEqual([
      "eligibility/facts.yaml:1 schemaVersion 2 is not supported (this talentbot reads 1)",
      "eligibility/benefits.yaml:1 missing `schemaVersion`",
    ]);
  });
});

describe("eligibility rules and the fitted model", () => {
  it("are not part of the knowledge hash: editing them does not make model.json stale", async () => {
    const { knowledgeHash } = await import("../../src/core/model-file.js");
    const kb = await loadKnowledge(join(PROJECT_ROOT, "knowledge"));
    expect(kb.eligibility).toBeDefined();
    const { eligibility: _rules, ...without } = kb;
    expect(knowledgeHash(kb)).toBe(knowledgeHash(without));
  });
});
