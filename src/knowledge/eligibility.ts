import { parseBenefitsFile } from "./eligibility/benefits.js";
import { parseFactsFile } from "./eligibility/facts.js";
import { ELIGIBILITY_DIR, FACTS_FILE, type Benefit, type EligibilityRules } from "./eligibility/types.js";
import { HOW_TO_ZH } from "./eligibility/yaml.js";
import type { KnowledgeProblem } from "./errors.js";
import type { KnowledgeFiles } from "./files.js";

// The parts, by responsibility: the shapes (types), YAML reading and problem wording (yaml), the facts
// file (facts), benefit files and their conditions (benefits), checks across files and condition logic (check).
export { parseBenefitsFile } from "./eligibility/benefits.js";
export { checkEligibility, compare, factsOf, holds, satisfiable } from "./eligibility/check.js";
export { parseFactsFile } from "./eligibility/facts.js";
export {
  COMPARE_OPS,
  ELIGIBILITY_DIR,
  FACTS_FILE,
  type Benefit,
  type CompareOp,
  type Condition,
  type EligibilityRules,
  type FactChoice,
  type FactDef,
  type FactType,
  type FactValue,
} from "./eligibility/types.js";

/**
 * The eligibility rules (政策计算器) under `knowledge/eligibility/`: `facts.yaml` declares every
 * fact the rules may ask about (its type, question and choices) and the phrases that start the
 * check; every other `*.yaml` file there lists benefits, each with its article and a condition
 * over those facts. See DESIGN.md "Eligibility check". Nothing here knows the sample's rules.
 */

/** Reads `eligibility/` (absent: no check offered). Problems are collected, not thrown. */
export async function readEligibility(knowledge: KnowledgeFiles, problems: KnowledgeProblem[]): Promise<EligibilityRules | undefined> {
  const files = await knowledge.list(ELIGIBILITY_DIR, ".yaml");
  if (files.length === 0) return undefined;
  const factsText = await knowledge.read(FACTS_FILE);
  if (factsText === undefined && knowledge.reported(FACTS_FILE)) return undefined; // unreadable: said already
  if (factsText === undefined) {
    problems.push({
      file: `${ELIGIBILITY_DIR}/`,
      message: `benefit files without ${FACTS_FILE}`,
      fix: `create ${FACTS_FILE} declaring the facts the benefits use (see DESIGN.md, Eligibility check)`,
      zh: { message: `有待遇文件，但缺少 \`${FACTS_FILE}\``, fix: `新建 \`${FACTS_FILE}\`，写上待遇条件用到的事实（写法见 ${HOW_TO_ZH}）` },
    });
    return undefined;
  }
  const parsed = parseFactsFile(FACTS_FILE, factsText, problems);
  if (!parsed) return undefined;
  const facts = new Map(parsed.facts.map((f) => [f.id, f]));
  const benefits: Benefit[] = [];
  for (const rel of files) {
    const file = `${ELIGIBILITY_DIR}/${rel}`;
    if (file === FACTS_FILE) continue;
    benefits.push(...parseBenefitsFile(file, (await knowledge.read(file)) ?? "", facts, problems));
  }
  if (benefits.length === 0) {
    problems.push({
      file: `${ELIGIBILITY_DIR}/`,
      message: "no benefits found",
      fix: `add a file such as ${ELIGIBILITY_DIR}/benefits.yaml with \`benefits:\`, or remove the folder to turn the check off`,
      zh: {
        message: "政策计算器一项待遇也没有",
        fix: `添加一个待遇文件，例如 \`${ELIGIBILITY_DIR}/benefits.yaml\`，在里面写 \`benefits:\`；不提供政策计算器的话，删掉 \`${ELIGIBILITY_DIR}/\` 文件夹`,
      },
    });
  }
  return { ...parsed, benefits };
}
