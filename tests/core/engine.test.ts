import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_BOT_SETTINGS } from "../../src/core/bot.js";
import { tooLongText } from "../../src/core/wording.js";
import type { AnswerEngine } from "../../src/core/engine.js";
import { engineFor } from "../helpers/engine.js";
import { loadKnowledge } from "../../src/knowledge/load.js";
import { writeMiniKb } from "../helpers/mini-kb.js";

let engine: AnswerEngine;

beforeAll(async () => {
  engine = await engineFor(await loadKnowledge(await writeMiniKb()));
});

describe("AnswerEngine on a small knowledge base", () => {
  it("answers a question worded like an entry, with the answer and its citation", async () => {
    const a = await engine.ask("人才子女入学需要什么材料？");
    expect(a.status).toBe("answered");
    expect(a.faqId).toBe("enroll-materials");
    expect(a.text).toContain("提交申请表、人才证书、户口簿。");
    expect(a.text).toContain("依据：《示例细则》第一条（更新于 2024-03-01）");
    expect(a.sources).toEqual([{ doc: "rules", article: "第一条" }]);
  });

  it("tolerates synonyms, traditional characters and full-width text", async () => {
    for (const q of ["娃入學要準備哪些資料", "ＨＥＬＬＯ 买房补助有多少？？"]) {
      const a = await engine.ask(q);
      expect(a.suggestions[0]?.faqId, q).toBe(q.includes("买房") ? "housing-subsidy" : "enroll-materials");
    }
  });

  it("corrects a homophone typo split by the segmenter (不贴 → 补贴)", async () => {
    const a = await engine.ask("购房不贴怎么申请");
    expect(a.suggestions[0]?.faqId).toBe("housing-subsidy");
  });

  it("quotes a policy article when no entry covers the subject", async () => {
    const a = await engine.ask("人才公寓租金减半吗，向哪个部门申请人才公寓");
    expect(a.status).toBe("excerpt");
    expect(a.excerpts[0]).toMatchObject({ doc: "rules", article: "第三条", title: "人才公寓" });
    expect(a.text).toContain("以下政策原文可能有关");
    expect(a.text).toContain("0000-1234");
  });

  it("says plainly when nothing is relevant, with the staff contact", async () => {
    const a = await engine.ask("明天会下雨吗");
    expect(a.status).toBe("unanswered");
    expect(a.text).toContain("抱歉，暂时无法回答。");
    expect(a.text).toContain("人工咨询：0000-1234");
  });

  it("recognises small talk and fills in the bot's name", async () => {
    expect(await engine.ask("您好！")).toMatchObject({ status: "smalltalk", smalltalkIntent: "greeting", text: "您好，我是测试助手" });
    expect(await engine.ask("谢谢")).toMatchObject({ status: "smalltalk", smalltalkIntent: "thanks" });
  });

  it("treats a greeting followed by a question as a question", async () => {
    const a = await engine.ask("你好，请问人才子女入学需要什么材料");
    expect(a.status).toBe("answered");
    expect(a.faqId).toBe("enroll-materials");
  });

  it("gives a clear status for unusable input instead of throwing", async () => {
    const cases: [string, string][] = [
      ["", "empty"],
      ["   \n\t ", "empty"],
      ["😀😀😀", "empty"],
      ["\u0000\u0007\u001b", "empty"],
      ["\uDC00\uD800", "empty"],
      ["问".repeat(10_000), "too_long"],
    ];
    for (const [q, status] of cases) {
      const a = await engine.ask(q);
      expect(a.status, JSON.stringify(q.slice(0, 10))).toBe(status);
      expect(a.text.length).toBeGreaterThan(5);
    }
    // One limit and one wording, whether the pipeline's guard or the engine itself refuses the message.
    expect((await engine.ask("问".repeat(10_000))).text).toBe(tooLongText(DEFAULT_BOT_SETTINGS.maxMessageChars));
  });

  it("answers a question that contains control characters and lone surrogates around real words", async () => {
    const a = await engine.ask("\u0000人才子女入学\uD800需要什么材料\u0007");
    expect(a.faqId).toBe("enroll-materials");
  });

  it("answerFor gives the answer of a chosen entry", async () => {
    expect(engine.answerFor("housing-subsidy")?.text).toContain("C类人才20万元");
    expect(engine.answerFor("no-such-id")).toBeUndefined();
  });

  it("carries the citation and the question's comparison form, masked first, so no stage analyses the text again", async () => {
    const answered = await engine.ask("请问人才子女入学需要什么材料？");
    expect(answered.citation).toEqual({ doc: "rules", article: "第一条", title: "示例细则" });
    expect(answered.normalized).toBe("人才子女入学需要什么材料");
    expect(engine.answerFor("housing-subsidy", "购房补贴怎么申请？")).toMatchObject({ citation: { doc: "rules", article: "第二条", title: "示例细则" }, normalized: "购房补贴怎么申请" });
    const quoted = await engine.ask("人才公寓租金减半吗，向哪个部门申请人才公寓");
    expect(quoted.status).toBe("excerpt");
    expect(quoted.citation).toEqual({ doc: "rules", article: "第三条", title: "示例细则" });
    // Masked before normalising: the e-mail address and the phone number never become words.
    const personal = await engine.ask("我的邮箱 zhang.san@example.com，手机13812345678，明天会下雨吗");
    expect(personal.citation).toBeUndefined();
    expect(personal.normalized).toBe("我的邮箱 z example com 手机138 5678 明天会下雨吗");
    expect(personal.normalized).not.toMatch(/zhang|1234/);
    expect(engine.asSuggestion(answered).citation).toBeUndefined();
  });
});

describe("AnswerEngine on the shipped sample knowledge base", () => {
  let sample: AnswerEngine;
  beforeAll(async () => {
    sample = await engineFor(await loadKnowledge("knowledge"));
  });

  it("still recognises small talk behind courtesy words (您好，麻烦问一下，有人吗 is 有人吗, not a request for staff)", async () => {
    expect(await sample.ask("您好，麻烦问一下，有人吗")).toMatchObject({ status: "smalltalk", smalltalkIntent: "greeting" });
  });

  it("matches a small-talk example that is only a symbol (👍) as typed, and no other symbol", async () => {
    expect(await sample.ask(" 👍 ")).toMatchObject({ status: "smalltalk", smalltalkIntent: "acknowledge" });
    expect(await sample.ask("嗯嗯")).toMatchObject({ status: "smalltalk", smalltalkIntent: "acknowledge" });
    expect((await sample.ask("😀")).status).toBe("empty");
  });

  it("takes unsure small talk that asks something its example does not for a question, so it is logged (好的，在哪办)", async () => {
    for (const q of ["好的，在哪办", "好的 需要多久"]) expect((await sample.ask(q)).status, q).not.toBe("smalltalk");
    expect(await sample.ask("你都能回答哪些问题")).toMatchObject({ status: "smalltalk", smalltalkIntent: "capability" });
    expect(await sample.ask("谢谢老师")).toMatchObject({ status: "smalltalk", smalltalkIntent: "thanks" });
  });

  it("takes unsure small talk that asks about someone or something else, where its example asks the bot, for a question (评审是谁来评 beside 你是谁)", async () => {
    for (const q of ["评审是谁来评", "是公办园吗", "是哪个部门办的"]) expect((await sample.ask(q)).status, q).not.toBe("smalltalk");
    for (const q of ["你是谁呀", "你是哪个单位的呀", "请问你是机器人吗"]) expect(await sample.ask(q), q).toMatchObject({ status: "smalltalk", smalltalkIntent: "identity" });
  });

  it("answers the quick-start question with its citation", async () => {
    const a = await sample.ask("人才子女入学需要什么材料");
    expect(a.status).toBe("answered");
    expect(a.faqId).toBe("enroll-materials");
    expect(a.text).toMatch(/依据：《示例市人才引领发展20条实施细则》第[一二三四五六七八九十]+条/);
  });

  it("does not answer or suggest an FAQ for a subject only the policy text covers", async () => {
    const a = await sample.ask("人才公寓怎么申请入住");
    expect(["excerpt", "unanswered"]).toContain(a.status);
  });
});

describe("junk on the shipped sample knowledge base", () => {
  it("never answers or suggests for input with too little to go on", async () => {
    const sample = await engineFor(await loadKnowledge("knowledge"));
    for (const q of ["' OR 1=1; --", "最后一行", "123", "HPV", "asdfgh", "信用卡逾期了怎么办"]) {
      const a = await sample.ask(q);
      expect(["answered", "suggested"], `${q} → ${a.status} ${a.faqId ?? ""}`).not.toContain(a.status);
    }
  });

  it("treats a message of nothing but interjections as no question (not logged for staff), or as the small talk the knowledge base lists", async () => {
    const sample = await engineFor(await loadKnowledge("knowledge"));
    // The sample lists 嗯嗯 as an acknowledgement; 呃 it does not list.
    for (const q of ["嗯嗯", "哦", "嗯嗯嗯！"]) expect(["empty", "smalltalk"], q).toContain((await sample.ask(q)).status);
    expect((await sample.ask("嗯嗯")).status).toBe("smalltalk");
    expect((await sample.ask("呃……")).status).toBe("empty");
    expect((await sample.ask("嗯，人才购房补贴怎么申请")).status).not.toBe("empty");
  });
});

describe("AnswerEngine with a jurisdiction (bot.yaml `jurisdiction`)", () => {
  let local: AnswerEngine;
  beforeAll(async () => {
    const kb = await loadKnowledge(await writeMiniKb());
    local = await engineFor({ ...kb, bot: { ...kb.bot, jurisdiction: "示例市" } });
  });

  it("does not answer another place's policy from this one's: says so and offers this place's entry", async () => {
    const a = await local.ask("深圳的购房补贴怎么申请？");
    expect(a.status).toBe("suggested");
    expect(a.suggestions[0]?.faqId).toBe("housing-subsidy");
    expect(a.text).toContain("本助手解答的是示例市的政策，深圳的规定请向当地有关部门咨询。");
    expect(a.text).toContain("1. 购房补贴怎么申请？");
  });

  it("answers as before when the place is where the asker is, or is the jurisdiction itself", async () => {
    for (const q of ["我在深圳工作，购房补贴怎么申请？", "示例市的购房补贴怎么申请？"]) {
      const a = await local.ask(q);
      expect(a.status, q).toBe("answered");
      expect(a.faqId, q).toBe("housing-subsidy");
    }
  });

  it("exempts a place only when the entry it would be answered with speaks of it", async () => {
    const toured = await engineFor({
      ...local.kb,
      faqs: local.kb.faqs.map((f) => (f.id === "housing-subsidy" ? { ...f, answer: `${f.answer}\n\n深圳：宣讲会 11 月 15 日。` } : f)),
    });
    const a = await toured.ask("深圳的购房补贴怎么申请？");
    expect(a.status).toBe("answered");
    expect(a.faqId).toBe("housing-subsidy");
    // Named by one entry, asked of another: still another place's policy.
    const tour = await engineFor({
      ...local.kb,
      faqs: local.kb.faqs.map((f) => (f.id === "housing-subsidy" ? f : { ...f, answer: `${f.answer}\n\n深圳：宣讲会 11 月 15 日。` })),
    });
    expect((await tour.ask("深圳的购房补贴怎么申请？")).status).toBe("suggested");
    // A word of the synonym lists is the knowledge base's own term, whatever jieba tags it.
    const declared = await engineFor({ ...local.kb, synonyms: [...local.kb.synonyms, ["深圳", "鹏城"]] });
    expect((await declared.ask("深圳的购房补贴怎么申请？")).faqId).toBe("housing-subsidy");
  });

  it("is off without a jurisdiction: a national FAQ set answers wherever the asker is", async () => {
    const a = await engine.ask("深圳的购房补贴怎么申请？");
    expect(a.status).toBe("answered");
    expect(a.faqId).toBe("housing-subsidy");
  });
});
