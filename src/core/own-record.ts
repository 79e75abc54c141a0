/**
 * Questions about the asker's own record — where their application stands, what they scored,
 * which school their child was placed in, whether their payment has arrived. No FAQ holds
 * those answers and the bot sees no one's file, so an FAQ about the subject would answer a
 * question nobody asked (我上次笔试考了多少分 → how the exam works). The engine says so,
 * offers the nearest entries and logs the question for staff, who can look the case up.
 *
 * Patterns of Chinese, not of any knowledge base: they name a status that only a record
 * holds, in the perfective (分到哪个学校了, not 会分到哪个学校, which asks the rule). A question
 * asking where or how to look something up (进度在哪查) asks the procedure, and is left to the FAQ.
 */

/** Someone of the asker's own: 我的, 我家, 我女儿, 俺们 … */
const OWN = /(?:我|俺|咱)(?:们|的|家|孩子|小孩|娃|女儿|儿子|闺女|爱人|老婆|老公|对象|上次|去年|今年|前年|这次|那次)/u;

/** A request to look something up for the asker: 帮我查一下, 替我查, 给我核实 (its own 我 is not the asker's record). */
const LOOKUP_REQUEST = /(?:帮|替|给)(?:我|俺|咱)(?:们)?(?:查|核实|核查)/u;

/** What a looked-up record holds (帮我查下我的成绩); a request about anything else may ask the rule (帮我查查我家孩子能不能入学). */
const RECORD_NOUN = /成绩|分数|进度|结果|名单|排名|到账|档案|编号/u;

/** Statuses that only the asker's file holds, whoever's they are (审核到哪一步了). */
const RECORD_STATUS = /(?:到|在)哪(?:一)?步了|进度(?:怎么样|如何|咋样)了?$|(?:结果|名单)出来了?(?:没|吗|没有)/u;

/** A record's status in the perfective: what has happened to someone's case (考了多少, 分到哪个学校了, 批了没). */
const PERFECTIVE_STATUS =
  /到账(?:了)?(?:没|吗|没有)|考了多少|排(?:第)?几(?:名)?了|分到(?:了)?哪(?:个|所|里)?(?:学校)?了|分到了|(?:录取|通过|批|批下来|审批|审核|办好|办下来|发)了(?:没|吗|没有)|有(?:没有)?(?:通过|录取|批下来)/u;

/** Statuses that only the asker's file holds when the question names something of theirs (我的补贴什么时候到账, 我的成绩是多少). */
const OWN_STATUS = new RegExp(`${PERFECTIVE_STATUS.source}|(?:什么时候|啥时候|多久|几时)(?:能|才能|可以)?到账|(?:成绩|分数)(?:是|有)?多少|排(?:第)?几`, "u");

/**
 * The asker as the subject of a perfective status a few characters before it (我笔试考了多少分, 我分到哪个学校了) —
 * not of a score or a wait, which may ask the rule (我想知道分数是多少才能进面试, 我想问补贴多久到账).
 */
const SELF_STATUS = new RegExp(`(?:我|俺)[^，。？！,.?!\\s]{0,6}?(?:${PERFECTIVE_STATUS.source})`, "u");

/** Asking where or how to look something up: the procedure, which an FAQ may answer. */
const HOW_TO_LOOK_UP = /(?:在|去|到)?哪(?:里|儿)?(?:能|可以)?查|(?:怎么|如何|怎样|咋)(?:才能)?查|查询(?:方式|渠道|入口|网址|网站|平台)/u;

/** Whether a question (normalised, courtesy words stripped) asks about the asker's own record. Pure. */
export function asksOwnRecord(core: string): boolean {
  // The request's own 我 (帮我查) is neither the asker's record nor a question of how to look one up.
  const rest = core.replace(LOOKUP_REQUEST, "");
  if (HOW_TO_LOOK_UP.test(rest)) return false;
  if (RECORD_STATUS.test(core) || SELF_STATUS.test(core)) return true;
  if (!OWN.test(rest)) return false;
  return OWN_STATUS.test(core) || (LOOKUP_REQUEST.test(core) && RECORD_NOUN.test(core));
}
