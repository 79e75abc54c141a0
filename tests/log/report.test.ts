import { describe, expect, it } from "vitest";
import { toCsv } from "../../src/log/csv.js";
import { QuestionLog } from "../../src/log/question-log.js";
import type { QuestionToRecord } from "../../src/log/types.js";
import { useTempDirs } from "./helpers.js";

const tempDir = useTempDirs();

function asked(text: string): QuestionToRecord {
  return { text, normalized: text, channel: "web", reason: "unanswered", candidates: [] };
}

describe("toCsv", () => {
  it("writes RFC 4180 with a UTF-8 BOM and CRLF, quoting only where needed", () => {
    const csv = toCsv([
      ["问题", "次数"],
      ['他说"补贴"到了吗', 3],
      ["第一行\n第二行", 1],
      ["a,b", null],
    ]);
    expect(csv).toBe('\uFEFF问题,次数\r\n"他说""补贴""到了吗",3\r\n"第一行\n第二行",1\r\n"a,b",\r\n');
  });

  it("defuses text that Excel would run as a formula", () => {
    expect(toCsv([['=HYPERLINK("http://x")', "+1", "@SUM(A1)", "-2", -2]])).toBe('\uFEFF"\'=HYPERLINK(""http://x"")",\'+1,\'@SUM(A1),\'-2,-2\r\n');
  });
});

describe("QuestionLog.exportMonth", () => {
  it("reports daily counts, answered rate, top FAQs and top open groups for the month only", async () => {
    const dataDir = await tempDir();
    // Local times: counters and the report follow the local calendar day.
    const march15 = new Date(2024, 2, 15, 14);
    let now = new Date(2024, 1, 29, 14);
    const log = await QuestionLog.open({ retentionDays: 180, dataDir, now: () => now });
    await log.count("answered", "faq-feb"); // February: must not show up
    await log.record(asked("二月的问题"));

    now = new Date(2024, 2, 1, 14);
    for (const faq of ["faq-housing", "faq-housing", "faq-school"]) await log.count("answered", faq);
    await log.count("unanswered");
    const housing = await log.record(asked("博士安家费怎么申请"));
    await log.count("smalltalk");

    now = march15;
    await log.count("answered", "faq-housing");
    await log.count("suggested");
    await log.record(asked("博士安家费怎么申请"));
    await log.count("excerpt");
    const school = await log.record(asked("子女入学需要什么材料"));
    await log.count("unhelpful");
    await log.count("human");
    const dismissed = await log.record(asked("你好你好你好"));
    await log.dismiss(dismissed.groupId, "smalltalk");

    const rows = await log.exportMonth("2024-03");
    const csv = toCsv(rows);
    await log.close();

    const lines = csv.slice(1).split("\r\n");
    expect(csv.startsWith("\uFEFF")).toBe(true);
    expect(lines[0]).toBe("月度报告,2024-03");
    expect(lines[2]).toBe("日期,消息数,已回答,给出建议,摘录回答,未能回答,闲聊,转人工,反馈无帮助,回答率");
    expect(lines).toContain("2024-03-01,5,3,0,0,1,1,0,0,75.0%");
    expect(lines).toContain("2024-03-15,4,1,1,1,0,0,1,1,33.3%");
    expect(lines).toContain("2024-03-02,0,0,0,0,0,0,0,0,");
    expect(lines).toContain("2024-03-31,0,0,0,0,0,0,0,0,");
    expect(lines.filter((line) => /^2024-03-\d\d,/.test(line))).toHaveLength(31);
    expect(lines).toContain("合计,9,4,1,1,1,1,1,1,57.1%");

    const faqStart = lines.indexOf("常见问题编号,命中次数");
    expect(lines.slice(faqStart + 1, faqStart + 3)).toEqual(["faq-housing,3", "faq-school,1"]);
    expect(csv).not.toContain("faq-feb");

    const groupStart = lines.indexOf("待处理问题组,问题,本月提问次数,累计提问次数,最近提问时间");
    expect(lines.slice(groupStart + 1)).toEqual([`${housing.groupId},博士安家费怎么申请,2,2,${march15.toISOString()}`, `${school.groupId},子女入学需要什么材料,1,1,${march15.toISOString()}`, ""]);
    expect(csv).not.toContain("二月的问题");
    expect(csv).not.toContain("你好你好你好");
  });

  it("rejects a malformed month", async () => {
    const dataDir = await tempDir();
    const log = await QuestionLog.open({ retentionDays: 180, dataDir });
    await expect(log.exportMonth("2024-3")).rejects.toThrow(/question log: "2024-3" is not a month; write it as YYYY-MM/);
    await log.close();
  });
});
