import type { Middleware } from "../composer.js";
import type { Context } from "../context.js";
import { eligibilityCheck } from "../eligibility/stage.js";
import { answerQuestion } from "./answer.js";
import { pickChoice } from "./choices.js";
import { commands } from "./commands.js";
import { guards } from "./guards.js";
import { logOutcome } from "./log.js";
import { normalise } from "./normalise.js";
import { slashCommands } from "./slash-commands.js";

export { answerQuestion, commands, guards, logOutcome, normalise, pickChoice, slashCommands };

/**
 * The standard stages, in order: normalise → (log, which acts once the rest is done) →
 * guard → slash commands → commands → eligibility check → choice pick → engine.
 * `bot.use(...conversationStages())`.
 */
export function conversationStages(): Middleware<Context>[] {
  return [normalise, logOutcome, guards, slashCommands, commands, eligibilityCheck, pickChoice, answerQuestion];
}
