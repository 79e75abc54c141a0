import { Bot, type BotOptions } from "./bot.js";
import { conversationStages } from "./stages/index.js";

/** A Bot with the standard stages: normalise → guard → commands → choice pick → engine → log. */
export function createBot(options: BotOptions): Bot {
  return new Bot(options).use(...conversationStages());
}
