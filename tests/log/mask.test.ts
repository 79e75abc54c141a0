import { describe, expect, it } from "vitest";
import { escapeControlCharacters, isLuhnValid, isValidResidentId, maskPersonalData, withoutControlCharacters } from "../../src/log/mask.js";
import { fullWidth, luhnCard, residentId } from "./helpers.js";

describe("maskPersonalData: mobile numbers", () => {
  it.each([
    ["我的手机13812345678，请回电", "我的手机138****5678，请回电"],
    ["电话 138 1234 5678", "电话 138****5678"],
    ["电话138-1234-5678谢谢", "电话138****5678谢谢"],
    ["+86 139 0000 1111", "+86 139****1111"],
    ["+8613900001111", "+86139****1111"],
    ["0086-15912345678", "0086-159****5678"],
    ["tel19912345678", "tel199****5678"],
    ["两个号码13812345678和15987654321", "两个号码138****5678和159****4321"],
  ])("%s", (input, expected) => {
    expect(maskPersonalData(input)).toBe(expected);
  });

  it("catches full-width digits and separators", () => {
    expect(maskPersonalData(`联系${fullWidth("13812345678")}`)).toBe("联系138****5678");
    expect(maskPersonalData(`联系${fullWidth("138")}－${fullWidth("1234")}－${fullWidth("5678")}`)).toBe("联系138****5678");
    expect(maskPersonalData(`联系${fullWidth("138")}\u3000${fullWidth("1234")}\u3000${fullWidth("5678")}`)).toBe("联系138****5678");
  });

  it("does not mask 11 digits that are not a mobile number or are part of a longer number", () => {
    expect(maskPersonalData("编号12012345678")).toBe("编号12012345678");
    expect(maskPersonalData("流水号9913812345678")).toBe("流水号9913812345678");
  });
});

describe("maskPersonalData: mobile numbers typed any way", () => {
  it.each([
    ["电话138_1234_5678", "电话138****5678"],
    ["电话138/1234/5678", "电话138****5678"],
    ["手机138。1234。5678", "手机138****5678"],
    ["手机138，1234，5678", "手机138****5678"],
    ["手机1381 234 5678", "手机138****5678"],
    ["手机1 3 8 1 2 3 4 5 6 7 8", "手机138****5678"],
    ["手机一三八一二三四五六七八", "手机138****5678"],
    ["手机幺三八幺二三四五六七八", "手机138****5678"],
    ["手机壹叁捌壹贰叁肆伍陆柒捌", "手机138****5678"],
    ["手机\u{1D7CF}\u{1D7D1}\u{1D7D6}\u{1D7CF}\u{1D7D0}\u{1D7D1}\u{1D7D2}\u{1D7D3}\u{1D7D4}\u{1D7D5}\u{1D7D6}好", "手机138****5678好"],
  ])("%s", (input, expected) => {
    expect(maskPersonalData(input)).toBe(expected);
  });

  it("leaves lists of article numbers, dates and years in Chinese digits readable", () => {
    for (const text of ["第13、14、15、16、17、18条", "2024/01/02 办理", "二〇二四年的通知", "三室两厅", "编号12012345678"]) {
      expect(maskPersonalData(text)).toBe(text);
    }
  });
});

describe("maskPersonalData: passports and internationalised e-mail", () => {
  it("masks a passport number with a space or dash after its letters", () => {
    expect(maskPersonalData("护照 E 12345678")).toBe("护照 E 1*****78");
    expect(maskPersonalData("护照E-12345678")).toBe("护照E-1*****78");
  });

  it("masks an address with a Chinese local part or a non-Latin domain", () => {
    expect(maskPersonalData("邮箱：张三@例子.中国，谢谢")).toBe("邮箱：张***@例子.中国，谢谢");
    expect(maskPersonalData("写信给user@bücher.de")).toBe("写信给u***@bücher.de");
    expect(maskPersonalData("我的邮箱是zhang@example.com请回复")).toBe("我的邮箱是z***@example.com请回复");
  });
});

describe("maskPersonalData: landlines", () => {
  it("keeps the area code and the last four digits", () => {
    expect(maskPersonalData("办公室0431-88886666")).toBe("办公室0431-****6666");
    expect(maskPersonalData("北京010-12345678")).toBe("北京010-****5678");
  });
});

describe("maskPersonalData: resident ID numbers", () => {
  const id = residentId("22010219900307123");
  const idWithX = ["220102199003071", "110105194912310", "440305200001011"]
    .flatMap((prefix) => Array.from({ length: 100 }, (_, n) => residentId(prefix + String(n).padStart(2, "0"))))
    .find((candidate) => candidate.endsWith("X"));

  it("validates the check character", () => {
    expect(isValidResidentId(id)).toBe(true);
    const wrongCheck = id.slice(0, 17) + String((Number(id.charAt(17) === "X" ? 10 : id.charAt(17)) + 1) % 10);
    expect(isValidResidentId(wrongCheck)).toBe(false);
    expect(idWithX).toBeDefined();
    expect(isValidResidentId(idWithX!)).toBe(true);
    expect(isValidResidentId(idWithX!.toLowerCase())).toBe(true);
  });

  it("keeps the first 6 and last 4 characters", () => {
    expect(maskPersonalData(`身份证号${id}，申请补贴`)).toBe(`身份证号${id.slice(0, 6)}********${id.slice(14)}，申请补贴`);
    expect(maskPersonalData(`证件${idWithX!.toLowerCase()}`)).toBe(`证件${idWithX!.slice(0, 6)}********${idWithX!.slice(14).toLowerCase()}`);
  });

  it("catches IDs written with spaces or in full-width digits", () => {
    const spaced = `${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14)}`;
    expect(maskPersonalData(`号码 ${spaced}`)).toBe(`号码 ${id.slice(0, 6)}********${id.slice(14)}`);
    expect(maskPersonalData(fullWidth(id))).toBe(`${id.slice(0, 6)}********${id.slice(14)}`);
  });

  it("masks a 15-digit first-generation ID (region, YYMMDD, sequence) and leaves other 15-digit numbers", () => {
    expect(maskPersonalData("老身份证110105491231002还能用吗")).toBe("老身份证110105******002还能用吗");
    expect(maskPersonalData("旧证号 220102 850317 123")).toBe("旧证号 220102******123");
    expect(maskPersonalData("订单号123456999999123")).toBe("订单号123456999999123"); // month 99: no birth date
  });

  it("masks a mistyped ID (bad check digit, plausible birth date) as an ID too", () => {
    const typo = id.slice(0, 17) + String((Number(id.charAt(17) === "X" ? 10 : id.charAt(17)) + 3) % 10);
    expect(isValidResidentId(typo) || isLuhnValid(typo)).toBe(false);
    expect(maskPersonalData(typo)).toBe(`${typo.slice(0, 6)}********${typo.slice(14)}`);
  });
});

describe("maskPersonalData: bank cards", () => {
  const card16 = luhnCard("622202123456789");
  const card19 = luhnCard("621700001234567890");

  it("checks Luhn", () => {
    expect(isLuhnValid(card16)).toBe(true);
    expect(isLuhnValid(card16.slice(0, 15) + ((Number(card16.charAt(15)) + 1) % 10))).toBe(false);
  });

  it("keeps the first and last four digits and the grouping", () => {
    const grouped = card16.replace(/(\d{4})(?=\d)/g, "$1 ");
    expect(maskPersonalData(`卡号${grouped}`)).toBe(`卡号${card16.slice(0, 4)} **** **** ${card16.slice(12)}`);
    expect(maskPersonalData(`卡号${card16}`)).toBe(`卡号${card16.slice(0, 4)}********${card16.slice(12)}`);
    const dashed = card19.replace(/(\d{4})(?=\d)/g, "$1-");
    // The last four digits straddle the last dash: 6217-****-****-***8-907.
    expect(maskPersonalData(dashed)).toBe(`${card19.slice(0, 4)}-****-****-***${card19.charAt(15)}-${card19.slice(16)}`);
  });

  it("treats an 18-digit Luhn-valid number that fails the ID check as a card", () => {
    const card18 = [...Array(10).keys()].map((n) => luhnCard(`6222021234567800${n}`)).find((candidate) => !isValidResidentId(candidate))!;
    expect(card18).toHaveLength(18);
    expect(maskPersonalData(card18)).toBe(`${card18.slice(0, 4)}**********${card18.slice(14)}`);
  });

  it("leaves a 16-digit number that fails Luhn alone", () => {
    const notACard = card16.slice(0, 15) + ((Number(card16.charAt(15)) + 5) % 10);
    expect(maskPersonalData(`订单${notACard}`)).toBe(`订单${notACard}`);
  });
});

describe("maskPersonalData: e-mail", () => {
  it.each([
    ["邮箱zhangsan@example.com", "邮箱z***@example.com"],
    ["发到 li.si+hr@mail.jl.gov.cn 了吗", "发到 l***@mail.jl.gov.cn 了吗"],
    ["QQ邮箱13812345678@qq.com", "QQ邮箱1***@qq.com"],
    ["全角ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ", "全角w***@example.com"],
  ])("%s", (input, expected) => {
    expect(maskPersonalData(input)).toBe(expected);
  });
});

describe("maskPersonalData: text that must stay as it is", () => {
  it.each([
    "2024年博士安家费是多少？",
    "补贴200000元，分3年发放",
    "申报时间2024-03-15至2024-12-31",
    "2024/03/15 截止",
    "第12条第3款",
    "吉人社〔2023〕15号文件",
    "示例市人才办〔2024〕3号",
    "第3号令",
    "2024年12号台风",
    "年薪不低于15000000元",
    "工作满5年，35周岁以下",
    "编号12345",
    "20240315",
    "办公时间 8:30-11:30",
    "邮编130000",
  ])("%s", (text) => {
    expect(maskPersonalData(text)).toBe(text);
  });

  it("masks every item in a mixed message and nothing else", () => {
    const id = residentId("22010219900307123");
    const card = luhnCard("622202123456789");
    const text = `我叫张三，身份证${id}，手机138 1234 5678，卡号${card}，邮箱zs@example.com，2024年申请了200000元补贴`;
    expect(maskPersonalData(text)).toBe(
      `我叫张三，身份证${id.slice(0, 6)}********${id.slice(14)}，手机138****5678，卡号${card.slice(0, 4)}********${card.slice(12)}，邮箱z***@example.com，2024年申请了200000元补贴`,
    );
  });
});

describe("maskPersonalData: card and account numbers named as such", () => {
  it("masks a 19-digit card number that fails Luhn when it follows 卡号 / 账号 / 账户", () => {
    const mistyped = "6222020200112233445";
    expect(isLuhnValid(mistyped)).toBe(false);
    expect(maskPersonalData(`我的银行卡号${mistyped}，补贴没到账`)).toBe("我的银行卡号6222***********3445，补贴没到账");
    expect(maskPersonalData(`账号：${mistyped}`)).toBe("账号：6222***********3445");
    expect(maskPersonalData(`工资账户 6222 0202 0011 2233 445`)).toBe("工资账户 6222 **** **** ***3 445");
    expect(maskPersonalData(`${mistyped}这张卡`)).toBe("6222***********3445这张卡"); // 这张卡 names it a card too
    expect(maskPersonalData(`${mistyped}卡`)).toBe("6222***********3445卡");
    expect(maskPersonalData(`卡号码是 ${mistyped}`)).toBe("卡号码是 6222***********3445");
    expect(maskPersonalData(`账户号为：${mistyped}`)).toBe("账户号为：6222***********3445");
  });

  it("masks a card number a few characters away from the word for it", () => {
    expect(maskPersonalData("银行卡（工行）6222020200112233445补贴没到")).toBe("银行卡（工行）6222***********3445补贴没到");
    expect(maskPersonalData("6222020200112233445这张卡能收补贴吗")).toBe("6222***********3445这张卡能收补贴吗");
  });

  it("keeps a bare number of the same length readable (an order number, not called a card)", () => {
    expect(maskPersonalData("订单6222020200112233445")).toBe("订单6222020200112233445");
    expect(maskPersonalData("卡号123")).toBe("卡号123");
  });
});

describe("maskPersonalData: passports and room numbers", () => {
  it.each([
    ["护照号E12345678，出国进修怎么备案", "护照号E1*****78，出国进修怎么备案"],
    ["passport PE1234567", "passport PE1****67"],
    ["我住幸福路88号3栋1502室，人才公寓怎么申请", "我住幸福路**号3栋****室，人才公寓怎么申请"],
    ["家在人民大街 1203 号，孩子转学", "家在人民大街 **** 号，孩子转学"],
    ["住在长安胡同7号", "住在长安胡同*号"],
    ["我家是3栋1502房，能申请人才公寓吗", "我家是3栋****房，能申请人才公寓吗"],
    ["人才公寓2单元601号房漏水", "人才公寓2单元***号房漏水"],
    ["房间号1502的空调坏了", "房间号****的空调坏了"],
  ])("%s", (input, expected) => {
    expect(maskPersonalData(input)).toBe(expected);
  });

  it("keeps document numbers, train numbers and article numbers readable", () => {
    for (const text of ["吉人社〔2023〕15号文件", "坐G1234次列车", "第12条", "会议在3号楼201会议室", "三室两厅2房"]) expect(maskPersonalData(text)).toBe(text);
  });
});

describe("control characters", () => {
  it("are removed before storage: NUL, BEL, ESC sequences, CR, bidi overrides; tab and line feed stay", () => {
    expect(maskPersonalData("人才\u0000公寓\u0007\u001b[31m怎么\r申请\u202E\t好\n的")).toBe("人才公寓[31m怎么申请\t好\n的");
    expect(maskPersonalData("人才\u200B公\uFEFF寓\u200D怎么\u2060申请")).toBe("人才公寓怎么申请");
  });

  it("hidden inside a number, invisible characters of any kind never keep it from being masked", () => {
    for (const hidden of ["\u200B", "\u00AD", "\u034F", "\u180E", "\u3164", "\uFEFF", "\u2061", "\u{E0020}", "\uFFF9", "\u0600", "\u{13430}"]) {
      expect(maskPersonalData(`手机138${hidden}1234${hidden}5678，人才公寓怎么申请`), JSON.stringify(hidden)).toBe("手机138****5678，人才公寓怎么申请");
    }
  });

  it.each([
    ["0431.1234.5678", "0431.****5678"],
    ["0431 1234 5678", "0431 ****5678"],
    ["010-1234-5678", "010-****5678"],
    ["138 - 1234 - 5678", "138****5678"],
    ["138–1234–5678", "138****5678"],
    ["138  1234  5678", "138****5678"],
    ["(138)1234-5678", "138****5678"],
    ["+86 (138) 1234 5678", "+86 (138****5678"],
    ["110105.19491231.002X", "110105********002X"],
    ["110105\n19491231\n002X", "110105********002X"],
    ["卡号6222.0202.0011.2233.445", "卡号6222.****.****.***3.445"],
    ["6222020200112233445，这张卡", "6222***********3445，这张卡"],
    ["6222020200112233445是我的卡号", "6222***********3445是我的卡号"],
    ["6222020200112233445（工行卡）", "6222***********3445（工行卡）"],
    ["6222020200112233445这个账号", "6222***********3445这个账号"],
    ["卡号（中国工商银行储蓄）：6222020200112233445", "卡号（中国工商银行储蓄）：6222***********3445"],
    ["身份证号：110105 1949 1231 002X", "身份证号：110105********002X"],
    ["110105-1949-1231-002X", "110105********002X"],
    ["110 105 194 912 310 02X", "110105********002X"],
    ["身份证（110105）19491231-002X", "身份证（110105********002X"],
    ["6222020200112233445 这是我的银行卡，能发补贴吗", "6222***********3445 这是我的银行卡，能发补贴吗"],
    ["6222020200112233445是我在工商银行开的卡", "6222***********3445是我在工商银行开的卡"],
    ["我的银行卡号码，就是下面这一串数字：6222020200112233445", "我的银行卡号码，就是下面这一串数字：6222***********3445"],
    ["总计 1234 5678 元", "总计 1234 5678 元"],
    ["订单号6222020200112233445", "订单号6222020200112233445"],
  ])("separators and words a few characters away: %s", (input, expected) => {
    expect(maskPersonalData(input)).toBe(expected);
  });

  it("masks a mobile number whose groups are separated by dots or line breaks", () => {
    expect(maskPersonalData("电话138.1234.5678")).toBe("电话138****5678");
    expect(maskPersonalData("电话138\u20281234\u20285678")).toBe("电话138****5678");
    expect(maskPersonalData("金额138.12元")).toBe("金额138.12元");
  });

  it("are shown escaped when old text is printed", () => {
    expect(escapeControlCharacters("a\u001b[31mb\u0000c\u202Ed")).toBe("a\\x1B[31mb\\x00c\\u202Ed");
    expect(withoutControlCharacters("无控制字符")).toBe("无控制字符");
  });
});
