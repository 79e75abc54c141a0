import type { FastifyError } from "fastify";

/** Sent instead of any detail when something unexpected fails. */
const INTERNAL_ERROR = "服务器内部错误，请稍后再试";

/**
 * What a failed web request tells the browser, in Chinese: never a stack or an internal detail
 * (500), a request the server refuses by its size or type, or a body that fails its schema,
 * naming the field as the page calls it. (A failed staff action is answered by
 * staff/errors.ts requestFailure, in admin-routes.ts.)
 */
export function publicMessage(status: number, error: FastifyError): string {
  if (status === 500) return INTERNAL_ERROR;
  if (status === 413) return "请求内容过大";
  if (status === 415) return "请求格式不支持，请发送 JSON";
  if (error.validation) return `请求格式不正确：${validationMessage(error.validation)}`;
  if (status === 400) return "请求格式不正确";
  return error.message;
}

/** Field names of the API as the pages call them, for validation messages. */
const FIELD_NAMES: Readonly<Record<string, string>> = {
  token: "口令",
  text: "内容",
  sessionId: "会话编号",
  after: "after（消息序号）",
  faqId: "问答编号",
  to: "已有问答",
  question: "标准问题",
  answer: "答案",
  reason: "忽略原因",
  subject: "主题",
  month: "月份",
  since: "开始日期",
  until: "结束日期",
  status: "状态",
  id: "问题组编号",
  removeOutOfScope: "确认删除不在范围示例",
};

/** Values staff see in Chinese in the console (the group statuses). */
const ENUM_LABELS: Readonly<Record<string, string>> = { open: "待处理", replied: "已答复", promoted: "已加入问答", dismissed: "已忽略", all: "全部" };

const TYPE_NAMES: Readonly<Record<string, string>> = { string: "文字", integer: "整数", number: "数字", boolean: "是或否", object: "JSON 对象", array: "列表" };

/** ajv's findings in Chinese, naming the field as the page calls it (never "body must be object"). */
export function validationMessage(errors: readonly { keyword: string; instancePath: string; params: Record<string, unknown> }[]): string {
  const first = errors[0];
  if (!first) return "内容不符合要求";
  const field = first.instancePath.split("/").filter(Boolean).pop() ?? String(first.params["missingProperty"] ?? "");
  const name = `“${FIELD_NAMES[field] ?? field}”`;
  const limit = String(first.params["limit"] ?? "");
  switch (first.keyword) {
    case "type":
      return first.instancePath === "" ? "请求内容应为 JSON 对象" : `${name}应为${TYPE_NAMES[String(first.params["type"])] ?? "正确的类型"}`;
    case "required":
      return `缺少${name}`;
    case "maxLength":
      return `${name}太长，最多 ${limit} 个字符`;
    case "minLength":
      return `${name}太短，至少 ${limit} 个字符`;
    case "pattern":
      return `${name}的格式不正确`;
    case "enum":
      return `${name}只能是：${(first.params["allowedValues"] as unknown[] | undefined)?.map((v) => (ENUM_LABELS[String(v)] ? `${String(v)}（${ENUM_LABELS[String(v)]}）` : String(v))).join("、") ?? ""}`;
    case "minimum":
      return `${name}不能小于 ${limit}`;
    case "maximum":
      return `${name}不能大于 ${limit}`;
    default:
      return `${name}不符合要求`;
  }
}

/**
 * The body's fields of the wrong JSON type, before validation: ajv in fastify coerces types
 * (`{"text": 5}` would pass as "5", `"true"` as true), which is right for query strings but
 * hides a broken client in a JSON body. Returns the message for the first mismatch, if any.
 */
export function bodyTypeMismatch(schema: unknown, body: unknown): string | undefined {
  const properties = (schema as { properties?: Record<string, { type?: unknown }> } | undefined)?.properties;
  if (!properties || typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  for (const [field, { type }] of Object.entries(properties)) {
    const value = (body as Record<string, unknown>)[field];
    if (value === undefined || typeof type !== "string") continue;
    const actual = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
    const fits = type === "integer" ? Number.isInteger(value) : actual === type;
    if (!fits) return `请求格式不正确：“${FIELD_NAMES[field] ?? field}”应为${TYPE_NAMES[type] ?? "正确的类型"}`;
  }
  return undefined;
}
