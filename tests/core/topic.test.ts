import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { askInContext } from "../../src/core/follow-up.js";
import { nextTopic } from "../../src/core/topic.js";
import type { AnswerEngine } from "../../src/core/engine.js";
import { loadKnowledge } from "../../src/knowledge/load.js";
import { engineFor } from "../helpers/engine.js";
import { PROJECT_ROOT } from "../helpers/temp-dirs.js";

let engine: AnswerEngine;

beforeAll(async () => {
  engine = await engineFor(await loadKnowledge(join(PROJECT_ROOT, "knowledge")));
}, 60_000);

describe("the conversation's subject", () => {
  it("keeps the end of a long subject, never starting with the comma that joined two questions", async () => {
    const earlier = "你好，我是去年认定的省D类人才，孩子上学能享受入学服务吗";
    const asked = "那要准备哪些材料，交上去大概多久能有结果";
    const understood = `${earlier}，${asked}`;
    const topic = nextTopic(asked, { answer: await engine.ask(understood), understood });
    expect(topic!.question).toBe(understood.slice(-40).replace(/^[，、\s]+/u, ""));
    expect(topic!.question).toMatch(/^\p{Script=Han}/u);
    // Cut where the comma falls, it starts after it.
    const atComma = `${"前".repeat(10)}，${"后".repeat(39)}`;
    expect(nextTopic("后", { answer: await engine.ask(atComma), understood: atComma })!.question).toBe("后".repeat(39));
  });

  it("after a question not answered, keeps its nearest entries: a short message answered alone by one of them is on the subject", async () => {
    const earlier = "孩子入学的事，申请交上去之后还需要我们做什么吗";
    const first = await askInContext(engine, earlier, undefined);
    expect(first.answer.status).not.toBe("answered");
    const topic = nextTopic(earlier, first)!;
    expect(topic.faqId).toBeUndefined();
    expect(topic.nearby).toEqual(first.answer.suggestions.slice(0, 3).map((s) => s.faqId));
    // Alone it is answered unsurely by one of those entries: in the conversation it is answered too.
    const onSubject = "审核要几个工作日";
    const alone = await engine.ask(onSubject);
    expect(alone).toMatchObject({ status: "answered" });
    expect(alone.confidence).toBeLessThan(0.8);
    expect(topic.nearby).toContain(alone.faqId);
    expect((await askInContext(engine, onSubject, topic)).answer).toMatchObject({ status: "answered", faqId: alone.faqId });
    // Without the nearest entries it would only be a guess, as a short message answered off the subject still is.
    expect((await askInContext(engine, onSubject, { question: earlier })).answer.status).not.toBe("answered");
    const offSubject = "有名额限制吗";
    const elsewhere = await engine.ask(offSubject);
    expect(elsewhere.status).toBe("answered");
    expect(topic.nearby).not.toContain(elsewhere.faqId);
    expect((await askInContext(engine, offSubject, topic)).answer.status).not.toBe("answered");
  });
});
