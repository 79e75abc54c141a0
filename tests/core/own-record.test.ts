import { beforeAll, describe, expect, it } from "vitest";
import type { AnswerEngine } from "../../src/core/engine.js";
import { asksOwnRecord } from "../../src/core/own-record.js";
import { loadKnowledge } from "../../src/knowledge/load.js";
import { normalize } from "../../src/search/normalize.js";
import { engineFor } from "../helpers/engine.js";
import { writeMiniKb } from "../helpers/mini-kb.js";

const asks = (q: string) => asksOwnRecord(normalize(q).core);

describe("asksOwnRecord", () => {
  it("finds questions about the asker's own record: progress, score, placement, payment", () => {
    for (const q of [
      "我的人才认定申请审核到哪一步了",
      "帮我查下我孩子分到哪个学校了",
      "我上次笔试考了多少分",
      "我的购房补贴什么时候到账？",
      "我去年的面试成绩是多少分，能帮我查一下吗",
      "我的申请批下来了没",
      "请问我女儿录取了吗",
      "帮我查一下我的成绩",
      "认定结果出来了没",
      "我笔试考了多少分，能帮我查吗",
      "我分到哪个学校了",
    ]) {
      expect(asks(q), q).toBe(true);
    }
  });

  it("leaves the rule and the procedure to the FAQ: where to look something up, what decides, what one may claim", () => {
    for (const q of [
      "我的认定进度在哪里查",
      "笔试成绩怎么查",
      "我孩子会分到哪个学校",
      "我孩子分到哪个学校是按什么定的",
      "我的情况能申请购房补贴吗",
      "购房补贴多久到账",
      "帮我查一下人才子女入学需要什么材料",
      "帮我查查我家孩子能不能入学",
      "我们单位只跟我签了3年合同，买房补贴还能申请吗",
      "笔试要考多少分才能进面试",
      "我考多少分才能进面试",
      "我考了教资，笔试成绩多少分能过",
      "我想知道分数是多少才能进面试",
      "我想问补贴多久能到账",
    ]) {
      expect(asks(q), q).toBe(false);
    }
  });
});

describe("AnswerEngine and the asker's own record", () => {
  let engine: AnswerEngine;
  beforeAll(async () => {
    engine = await engineFor(await loadKnowledge(await writeMiniKb()));
  });

  it("does not answer a question about one's own case with the subject's entry: says so, offers the entry, and the question is logged as suggested", async () => {
    expect((await engine.ask("购房补贴怎么申请？")).status).toBe("answered");
    const a = await engine.ask("我的购房补贴申请审核到哪一步了？");
    expect(a.status).toBe("suggested");
    expect(a.faqId).toBeUndefined();
    expect(a.suggestions[0]?.faqId).toBe("housing-subsidy");
    expect(a.text).toContain("个人的办理进度、成绩、结果等信息我这里查不到");
    expect(a.text).toContain("1. 购房补贴怎么申请？");
  });

  it("is an option: a bot that can see records turns it off", async () => {
    const seeing = await engineFor(engine.kb, { engine: { ownRecord: () => false } });
    const a = await seeing.ask("我的购房补贴申请审核到哪一步了？");
    expect(a.text).not.toContain("查不到");
  });
});
