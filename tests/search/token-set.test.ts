import { describe, expect, it } from "vitest";
import { TokenArena, TokenUnion } from "../../src/search/token-set.js";

describe("TokenArena and TokenSet", () => {
  it("holds the distinct tokens in insertion order, short and long sets alike", () => {
    const arena = new TokenArena();
    const short = arena.set(["补贴", "购房", "补贴", "申请"]);
    expect([...short]).toEqual(["补贴", "购房", "申请"]);
    expect(short.size).toBe(3);
    // Long enough to be searched by bisection; inserted in an order that is not the sorted one.
    const words = Array.from({ length: 40 }, (_, i) => `词${(i * 17) % 40}`);
    const long = arena.set(words);
    expect([...long]).toEqual(words);
    for (const w of words) expect(long.has(w), w).toBe(true);
    expect(long.has("词40")).toBe(false);
    expect(long.has("补贴")).toBe(false); // known to the arena, not in this set
    expect(short.has("词3")).toBe(false);
    expect(short.has("不认识")).toBe(false); // unknown to the arena
  });

  it("gives each token one number across sets, and survives growing and trimming", () => {
    const arena = new TokenArena();
    const sets = Array.from({ length: 3000 }, (_, i) => arena.set([`a${i}`, `b${i % 7}`, "共同"]));
    arena.trim();
    expect(arena.numberOf("共同")).toBe(2);
    expect(arena.tokenOf(arena.numberOf("b3")!)).toBe("b3");
    expect(sets[2999]!.has("a2999")).toBe(true);
    expect(sets[2999]!.has("a2998")).toBe(false);
    expect([...sets[10]!]).toEqual(["a10", "b3", "共同"]);
    expect(arena.add("共同")).toBe(2);
  });

  it("an empty set has nothing", () => {
    const empty = new TokenArena().set([]);
    expect(empty.size).toBe(0);
    expect([...empty]).toEqual([]);
    expect(empty.has("")).toBe(false);
  });

  it("a union has what either set has, each token once, the first set's order first", () => {
    const arena = new TokenArena();
    const union = new TokenUnion(arena.set(["入学", "材料"]), arena.set(["材料", "户口", "证明"]));
    expect([...union]).toEqual(["入学", "材料", "户口", "证明"]);
    expect(union.size).toBe(4);
    expect(union.has("户口")).toBe(true);
    expect(union.has("入学")).toBe(true);
    expect(union.has("补贴")).toBe(false);
  });
});
