import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { askInContext, readFollowUp } from "../../src/core/follow-up.js";
import { wordsLikeEntry } from "../../src/core/entry-words.js";
import type { AnswerEngine } from "../../src/core/engine.js";
import { loadKnowledge } from "../../src/knowledge/load.js";
import { startTestBot, type TestBot } from "../helpers/bot-harness.js";
import { engineFor } from "../helpers/engine.js";
import { join } from "node:path";
import { PROJECT_ROOT } from "../helpers/temp-dirs.js";

const SHIPPED = join(PROJECT_ROOT, "knowledge");

let dataDir: string;
let engine: AnswerEngine;
let bot: TestBot;
let clock = new Date("2026-12-02T09:00:00Z");

beforeAll(async () => {
  engine = await engineFor(await loadKnowledge(SHIPPED));
  // One bot for the whole file (loading the engine is the slow part); each test has its own conversations.
  dataDir = await mkdtemp(join(tmpdir(), "talentbot-follow-up-"));
  bot = await startTestBot({ knowledgeDir: SHIPPED, dataDir, bot: { conversationTtlMs: 10 * 60_000, now: () => clock } });
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** One person's private chat: each test uses its own conversation. */
const chat = (id: string) => async (text: string) => (await bot.say(text, { conversationId: id, senderId: id, channel: "console" }))[0]!;

describe("follow-up questions", () => {
  it("reads 那D类呢 after a C类 housing-subsidy question as the D类 housing subsidy, and says so", async () => {
    const say = chat("fu-1");
    const first = await say("C类人才购房补贴多少钱");
    expect(first.feedback).toBe(true);
    const housing = first.citation;
    const second = await say("那D类呢？");
    expect(second.text.startsWith("（接着上一个问题：D类人才购房补贴多少钱）\n")).toBe(true);
    expect(second.citation).toEqual(housing);
    expect(second.feedback).toBe(true);
    // The third turn swaps into what the second was understood as.
    expect((await say("E类呢")).text.startsWith("（接着上一个问题：E类人才购房补贴多少钱）")).toBe(true);
  });

  it("answers the same message differently with no earlier question: the context is what changed it", async () => {
    const alone = await chat("fu-2")("那D类呢？");
    expect(alone.text).not.toContain("接着上一个问题");
    expect((await engine.ask("那D类呢？")).faqId).not.toBe((await engine.ask("d类人才购房补贴多少钱")).faqId);
  });

  it("never bends a question that stands on its own: a topic switch gets the answer it gets alone", async () => {
    const say = chat("fu-3");
    await say("购房补贴怎么申请");
    const switched = await say("新教师入职培训是怎么安排的");
    const alone = await chat("fu-3-alone")("新教师入职培训是怎么安排的");
    expect(switched.text).toBe(alone.text);
    expect(switched.text).not.toContain("接着上一个问题");
  });

  it("keeps each asker's context to themselves in a group, and forgets it after the expiry time", async () => {
    const group = { conversationId: "group-1", isGroup: true, mentionsBot: true, channel: "wechat" as const };
    await bot.say("C类人才购房补贴多少钱", { ...group, senderId: "alice" });
    const [bob] = await bot.say("那D类呢？", { ...group, senderId: "bob" });
    expect(bob!.text).not.toContain("接着上一个问题");
    const [alice] = await bot.say("那D类呢？", { ...group, senderId: "alice" });
    expect(alice!.text).toContain("接着上一个问题");

    const say = chat("fu-4");
    await say("C类人才购房补贴多少钱");
    clock = new Date(clock.getTime() + 11 * 60_000);
    expect((await say("那D类呢？")).text).not.toContain("接着上一个问题");
  });

  it("keeps sure small talk (好的) out of the earlier question unless its words are the subject's (周末有人吗 after the hotline)", async () => {
    const say = chat("fu-6");
    await say("公开选调每年都有吗");
    await say("需要教龄几年");
    const ok = await say("好的");
    expect(ok.text).not.toContain("接着上一个问题");
    expect(ok.citation).toBeUndefined();
    // 好 is a word of a few enrolment answers too, but of too many entries to name a subject.
    const enrolment = chat("fu-8");
    await enrolment("中考能加分吗");
    expect((await enrolment("好的")).text).not.toContain("接着上一个问题");
    const hotline = chat("fu-7");
    await hotline("人才服务热线是多少");
    expect((await hotline("周末有人吗")).text).toContain("接着上一个问题");
  });

  it("logs an unanswerable follow-up with what it followed, so staff can read it", async () => {
    const say = chat("fu-5");
    await say("人才公寓怎么申请");
    await say("需要交什么材料");
    await bot.runtime.bot.idle();
    const texts = (await bot.runtime.log.listGroups()).flatMap((g) => g.variants);
    expect(texts).toContain("需要交什么材料（接着上一个问题：人才公寓怎么申请）");
  });
});

describe("a courtesy to someone in a conversation (谢谢老师)", () => {
  it("stays small talk when the words beside it name no subject, and a question beside it does not", async () => {
    const topic = { question: "新教师跟岗学习是去哪个学校", faqId: "new-teacher-training" };
    expect(engine.isSureSmalltalk("谢谢老师")).toBe(false);
    for (const q of ["谢谢老师", "好的，谢谢老师！"]) expect((await askInContext(engine, q, topic)).answer.status, q).toBe("smalltalk");
    expect((await askInContext(engine, "老师能申请吗", topic)).answer).toMatchObject({ status: "answered", faqId: "new-teacher-training" });
    expect((await askInContext(engine, "评审看什么", { question: "政府特殊津贴怎么推荐", faqId: "special-allowance" })).answer.status).not.toBe("smalltalk");
  });
});

describe("a short question that alone looks like small talk (怎么申报 beside 怎么用)", () => {
  it("is read in context in a conversation: answered only if sure, else not small talk, so it reaches the staff log", async () => {
    expect((await engine.ask("怎么选拔")).status).toBe("smalltalk");
    const topic = { question: "组团式援边是去哪里", faqId: "border-support-teaching" };
    const result = await askInContext(engine, "怎么选拔", topic);
    expect(result.answer.status).not.toBe("smalltalk");
    expect(result.answer.status).not.toBe("answered");
    expect(result.understood).toBe("组团式援边是去哪里，怎么选拔");
    // An acknowledgement asks nothing: it stays small talk.
    expect((await askInContext(engine, "好的知道了", topic)).answer.status).toBe("smalltalk");
  });
});

describe("a word the knowledge base never uses, in a follow-up", () => {
  const asked = async (question: string, earlier: string) => {
    const topic = await engine.ask(earlier);
    expect(topic.status).toBe("answered");
    return (await askInContext(engine, question, { question: earlier, faqId: topic.faqId! })).answer;
  };

  it("is read in context when it means what a word of the entry means (涵盖 ~ 覆盖) or narrows one (学历证书 is a 证书)", async () => {
    expect(readFollowUp(engine, "涵盖哪些学科").unknownWords).toEqual(["涵盖"]);
    expect((await engine.ask("涵盖哪些学科")).status).not.toBe("answered");
    expect(await asked("涵盖哪些学科", "领军人才梯队服务基层项目是干嘛的")).toMatchObject({ status: "answered", faqId: "leading-talent-program" });
    expect([...(await wordsLikeEntry(engine, "enroll-materials", ["学历证书"], 0.8))]).toEqual(["学历证书"]);
  });

  it("names no subject when it is a time word, numeral or localiser (下次, 2025, 之后), while a noun (学费) still does", async () => {
    expect(readFollowUp(engine, "下次什么时候")).toMatchObject({ unknown: false, functionWords: ["下次"], content: [] });
    expect(readFollowUp(engine, "2025届的呢").functionWords).toEqual(["2025"]);
    expect(readFollowUp(engine, "那学费呢")).toMatchObject({ unknown: true, functionWords: [] });
    // The whole focus of a marked message is what it asks about, whatever its class: 那晚上呢 asks about evenings.
    expect(readFollowUp(engine, "晚上有人吗").functionWords).toEqual(["晚上"]);
    expect(readFollowUp(engine, "那晚上呢")).toMatchObject({ unknown: true, functionWords: [] });
    const earlier = "入学申请一年受理几次";
    const topic = await engine.ask(earlier);
    expect(topic.faqId, "fixture: the subject is answered").toBe("enroll-deadline");
    expect((await askInContext(engine, "下次什么时候", { question: earlier, faqId: topic.faqId! })).answer).toMatchObject({ status: "answered", faqId: "enroll-deadline" });
    // Without the rule 下次 is a subject the knowledge base lacks, and the message is not answered.
    expect((await askInContext(engine, "下次什么时候", { question: earlier, faqId: topic.faqId! }, { functionTags: [] })).answer.status).not.toBe("answered");
    expect((await asked("那学费呢", "购房补贴谁能申请")).status).not.toBe("answered");
  });

  it("is a new subject when it is a sibling of the entry's word (租房补贴 beside 购房补贴) or only like another entry's", async () => {
    expect([...(await wordsLikeEntry(engine, "housing-subsidy", ["租房补贴"], 0.8))]).toEqual([]);
    expect((await asked("那租房补贴呢", "购房补贴能申请几次")).status).not.toBe("answered");
    expect([...(await wordsLikeEntry(engine, "new-teacher-training", ["涵盖"], 0.8))]).toEqual([]);
    expect((await asked("食堂伙食怎么样", "人才子女入学需要什么材料")).status).not.toBe("answered");
  });
});

describe("a question introduced by 还有 after another subject", () => {
  it("is answered on its own, not demoted for being off the conversation's subject", async () => {
    const say = chat("fu-adding");
    expect((await say("教师招聘报名需要什么条件")).feedback).toBe(true);
    const alone = await engine.ask("人才的孩子上幼儿园有照顾吗？");
    expect(alone.status, "fixture: answered on its own").toBe("answered");
    const reply = await say("还有，人才的孩子上幼儿园有照顾吗？");
    expect(reply.feedback).toBe(true);
    expect(reply.text).toContain(alone.text.slice(0, 30));
    expect(reply.text).not.toContain("接着上一个问题");
  });
});

describe("a full question the conversation's subject does not speak of", () => {
  it("is at most suggested when only its reading after the subject finds an entry, and that entry lacks its words", async () => {
    const earlier = "人才引领发展20条实施细则有哪些内容";
    const question = "配偶工作能帮忙安排吗";
    const subject = await engine.ask(earlier);
    expect(subject.status, "fixture: the subject is answered").toBe("answered");
    expect((await engine.ask(question)).status, "fixture: not answered alone").not.toBe("answered");
    expect((await engine.ask(`${earlier}，${question}`)).faqId, "fixture: read after the subject, its entry answers").toBe(subject.faqId);
    const result = await askInContext(engine, question, { question: earlier, faqId: subject.faqId! });
    expect(result.answer.status).not.toBe("answered");
    const say = chat("fu-full-question");
    await say(earlier);
    expect((await say(question)).feedback).toBeFalsy();
  });
});

describe("a short message whose reading after the subject finds an entry that does not speak of its words", () => {
  it("is answered only when the engine is sure; else that entry is offered as a choice (培训期间有工资吗 after the training entry)", async () => {
    const earlier = "刚考上的老师要先培训吗";
    const subject = await engine.ask(earlier);
    expect(subject.faqId, "fixture: the subject is answered").toBe("new-teacher-training");
    const topic = { question: earlier, faqId: subject.faqId! };
    const joined = await engine.ask(`${earlier}，培训期间有工资吗`);
    expect(joined, "fixture: read after the subject, the training entry answers, unsurely").toMatchObject({ status: "answered", faqId: "new-teacher-training" });
    expect(joined.confidence).toBeLessThan(0.6);
    const result = await askInContext(engine, "培训期间有工资吗", topic);
    expect(result.answer.status).toBe("suggested");
    expect(result.answer.suggestions.map((s) => s.faqId)).toContain("new-teacher-training");
    expect((await askInContext(engine, "培训期间有工资吗", topic, { minUncovered: 0 })).answer.status).toBe("answered");
  });
});

describe("a short message answered alone by a shelf-mate of the conversation's entry", () => {
  it("gets the conversation's own entry when that entry is asked with its words and is surer in context (有年龄要求吗 after 选调)", async () => {
    const earlier = "公开选调教师的报名条件是什么";
    const subject = await engine.ask(earlier);
    expect(subject.faqId, "fixture: the subject is answered").toBe("recruit-transfer-teachers");
    const topic = { question: earlier, faqId: subject.faqId! };
    const alone = await engine.ask("有年龄要求吗");
    expect(alone, "fixture: alone, the recruitment entry (the same shelf) answers").toMatchObject({ status: "answered", faqId: "recruit-eligibility" });
    const result = await askInContext(engine, "有年龄要求吗", topic);
    expect(result.answer).toMatchObject({ status: "answered", faqId: "recruit-transfer-teachers" });
    expect(result.understood).toBe(`${earlier}，有年龄要求吗`);
  });

  it("keeps the shelf-mate when its own question is about the detail (多久 beside 什么时候受理？多久能办好)", async () => {
    const earlier = "需要准备什么材料";
    const topic = { question: earlier, faqId: "enroll-materials" };
    const alone = await engine.ask("多久能办下来");
    expect(alone, "fixture: alone, the deadline entry answers").toMatchObject({ status: "answered", faqId: "enroll-deadline" });
    expect((await askInContext(engine, "多久能办下来", topic)).answer.faqId).toBe("enroll-deadline");
  });
});

describe("a short aspect question that alone finds another entry of that aspect (要什么条件 → the recruitment conditions)", () => {
  it("gets the conversation's own entry when read after the subject it finds that entry, though the entry lacks the aspect's words", async () => {
    const earlier = "名校长工作室主持人怎么选";
    const subject = await engine.ask(earlier);
    expect(subject.faqId, "fixture: the subject is answered").toBe("famous-teacher-studio");
    const alone = await engine.ask("要什么条件");
    expect(alone, "fixture: alone, an entry of conditions elsewhere answers, unsurely").toMatchObject({ status: "answered", faqId: "recruit-eligibility" });
    const result = await askInContext(engine, "要什么条件", { question: earlier, faqId: subject.faqId! });
    expect(result.answer).toMatchObject({ status: "answered", faqId: "famous-teacher-studio" });
    expect(result.understood).toBe(`${earlier}，要什么条件`);
  });

  it("keeps to the entry it finds alone when it names that entry's own subject (电话多少 is the hotline's, not the enrollment procedure's)", async () => {
    const earlier = "人才子女入学去哪里申请";
    const subject = await engine.ask(earlier);
    expect(subject.faqId, "fixture: the subject is answered").toBe("enroll-process");
    expect(await engine.ask("电话多少"), "fixture: alone, the hotline entry answers, unsurely").toMatchObject({ status: "answered", faqId: "talent-service-hotline" });
    const result = await askInContext(engine, "电话多少", { question: earlier, faqId: subject.faqId! });
    expect(result.answer.faqId).not.toBe("enroll-process");
    expect(result.answer.suggestions.map((s) => s.faqId)).toContain("talent-service-hotline");
  });
});

describe("reading a message for follow-up markers", () => {
  it("finds the focus behind 那…呢 and 也一样吗, and words the knowledge base never uses", () => {
    expect(readFollowUp(engine, "那D类呢？")).toMatchObject({ marked: true, focus: "d类", unknown: false });
    expect(readFollowUp(engine, "幼儿园也一样吗")).toMatchObject({ marked: true, focus: "幼儿园" });
    expect(readFollowUp(engine, "E类也算吗")).toMatchObject({ marked: true, focus: "e类" });
    expect(readFollowUp(engine, "高中也需要吗")).toMatchObject({ marked: true, focus: "高中" });
    expect(readFollowUp(engine, "需要什么材料")).toMatchObject({ marked: false, unknown: false });
    expect(readFollowUp(engine, "食堂伙食怎么样").unknown).toBe(true);
    expect(readFollowUp(engine, "这个怎么申请").marked).toBe(true);
  });

  it("takes 还有 for a reference back only before an elliptical message: 还有别的吗 is one, 还有，<a whole question> is a new question", () => {
    expect(readFollowUp(engine, "还有别的吗").marked).toBe(true);
    expect(readFollowUp(engine, "还有呢").marked).toBe(true);
    expect(readFollowUp(engine, "还有，人才的孩子上幼儿园有照顾吗？")).toMatchObject({ marked: false, focus: "人才的孩子上幼儿园有照顾" });
    // 那 refers back whatever follows.
    expect(readFollowUp(engine, "那我得是哪类人才才行").marked).toBe(true);
    expect(readFollowUp(engine, "还有，人才的孩子上幼儿园有照顾吗？", { addingOpenings: [] }).marked).toBe(true);
  });
});
