import { describe, expect, it } from "vitest";
import { cleanText, normalize, removeFillers } from "../../src/search/normalize.js";

describe("normalize", () => {
  it("folds full width, traditional characters, case and punctuation", () => {
    expect(cleanText("請問ＣＥＯ：孩子入學要什麼資料？？")).toBe("请问ceo 孩子入学要什么资料");
  });

  it("turns control characters, lone surrogates and emoji into nothing", () => {
    expect(cleanText("\u0000\u0007\uDC00😀")).toBe("");
    expect(cleanText("入学\uD800材料")).toBe("入学 材料");
  });

  it("removes polite filler but keeps question words", () => {
    expect(removeFillers("请问一下 孩子入学需要什么材料啊")).toBe("孩子入学需要什么材料");
    expect(normalize("你好，请问怎么申请购房补贴呢？").core).toBe("怎么申请购房补贴");
  });

  it("keeps the clean form when a message is only filler, so it can be small talk", () => {
    expect(normalize("你好啊！")).toEqual({ clean: "你好啊", core: "你好啊" });
  });
});

describe("sentence particles", () => {
  it("are removed at the end of a clause but not inside words", () => {
    expect(removeFillers("哈尔滨有宣讲会吗 好的吧")).toBe("哈尔滨有宣讲会吗 好的");
    expect(removeFillers("嗯 入学材料呢")).toBe("入学材料");
  });
});
