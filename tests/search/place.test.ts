import { describe, expect, it } from "vitest";
import { jurisdictionsNamed } from "../../src/search/place.js";
import { Segmenter } from "../../src/search/segment.js";

const segmenter = new Segmenter();
const named = (question: string, known: readonly string[] = []) => jurisdictionsNamed(segmenter.tag(question), (w) => known.includes(w));

describe("jurisdictionsNamed", () => {
  it("finds a place asked about as a jurisdiction: before 的, a policy noun or a year, or with an administrative suffix", () => {
    expect(named("深圳的人才租房补贴怎么申请")).toEqual(["深圳"]);
    expect(named("上海人才引进落户条件")).toEqual(["上海"]);
    expect(named("沈阳今年的教师招聘什么时候考")).toEqual(["沈阳"]);
    expect(named("杭州市教育局今年招多少老师")).toEqual(["杭州市"]);
    expect(named("我想问问广州的购房补贴")).toEqual(["广州"]);
    expect(named("北京政策是怎么规定的")).toEqual(["北京"]);
  });

  it("takes a word of the knowledge base's dictionary that a follower opens for the follower (深圳 + 高层次人才)", () => {
    const tagged = (...words: [string, string][]) => words.map(([word, tag]) => ({ word, tag }));
    expect(jurisdictionsNamed(tagged(["深圳", "ns"], ["高层次人才", ""], ["认定", "v"], ["标准", "n"]), () => false)).toEqual(["深圳"]);
    expect(jurisdictionsNamed(tagged(["北京", "ns"], ["人才子女", ""], ["入学", "v"]), () => false)).toEqual(["北京"]);
    // A one-character follower opens too many words: 的确, 市场.
    expect(jurisdictionsNamed(tagged(["北京", "ns"], ["的确", "d"], ["好", "a"]), () => false)).toEqual([]);
    // An administrative level kept with the follower (杭州 + 市教育局) follows as the follower does; 市场, 市民 are no level.
    expect(jurisdictionsNamed(tagged(["杭州", "ns"], ["市教育局", ""], ["今年", "t"]), () => false)).toEqual(["杭州"]);
    expect(jurisdictionsNamed(tagged(["江苏", "ns"], ["省人才", ""], ["政策", "n"]), () => false)).toEqual(["江苏"]);
    expect(jurisdictionsNamed(tagged(["北京", "ns"], ["市场", "n"], ["好", "a"]), () => false)).toEqual([]);
  });

  it("looks past a class label between the place and its follower (杭州E类人才, 深圳 a 类人才), and only a class label", () => {
    const tagged = (...words: [string, string][]) => words.map(([word, tag]) => ({ word, tag }));
    expect(jurisdictionsNamed(tagged(["杭州", "ns"], ["E类", "n"], ["人才", "n"], ["子女入学", "vn"]), () => false)).toEqual(["杭州"]);
    expect(jurisdictionsNamed(tagged(["深圳", "ns"], ["a", "eng"], ["类", "q"], ["人才", "n"]), () => false)).toEqual(["深圳"]);
    expect(jurisdictionsNamed(tagged(["上海", "ns"], ["3", "m"], ["级", "q"], ["政策", "n"]), () => false)).toEqual(["上海"]);
    // A number that is no class (3 年) is not looked past: 北京3年的经历 names no jurisdiction.
    expect(jurisdictionsNamed(tagged(["北京", "ns"], ["3", "m"], ["年", "q"], ["的", "uj"]), () => false)).toEqual([]);
    expect(jurisdictionsNamed(tagged(["在", "p"], ["杭州", "ns"], ["E类", "n"], ["人才", "n"]), () => false)).toEqual([]);
  });

  it("leaves a place where someone is, goes or comes from", () => {
    expect(named("我在北京读的研究生能报名吗")).toEqual([]);
    expect(named("插班生怎么弄，孩子读三年级，从湖南转过来")).toEqual([]);
    expect(named("孩子户口还在湖南老家没迁，办入学会受影响吗")).toEqual([]);
    expect(named("我是上海的，想问购房补贴")).toEqual([]);
  });

  it("leaves places the knowledge base names, determiners and words jieba merely tags as places", () => {
    expect(named("杭州的宣讲会在哪个学校", ["杭州"])).toEqual([]);
    expect(named("各县区自己招老师吗")).toEqual([]);
    expect(named("我今年刚考上，上岗前要参加什么培训")).toEqual([]);
    expect(named("我家住城东，单位在城西，孩子入学按住址还是按单位安排")).toEqual([]);
    expect(named("我刚来这个城市工作，想了解一下人才政策二十条")).toEqual([]);
    expect(named("山区学校有补贴吗")).toEqual([]);
  });
});
