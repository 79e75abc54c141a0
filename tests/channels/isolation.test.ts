import { readFile, readdir } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../helpers/temp-dirs.js";

// Platform SDKs stay inside src/channels/: the core, the engine, the log, the CLI … never load
// them, and the core never depends on a channel.

const SRC = join(PROJECT_ROOT, "src");
const PLATFORM_SDK = /^(telegraf|wechaty|wechaty-puppet[\w-]*|qrcode-terminal)(\/|$)/;

/** Every module specifier in a TypeScript source: static imports/exports, import(), require(). */
function importsOf(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire(?:\.resolve)?\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) found.push(match[1]!);
  return found;
}

async function sources(): Promise<{ file: string; imports: string[] }[]> {
  const files = (await readdir(SRC, { recursive: true })).filter((f) => f.endsWith(".ts")).sort();
  return Promise.all(files.map(async (f) => ({ file: f.split("\\").join("/"), imports: importsOf(await readFile(join(SRC, f), "utf8")) })));
}

describe("platform SDKs stay in src/channels", () => {
  it("finds imports of every form (so the checks below can fail)", () => {
    const sample = [
      'import { Telegraf } from "telegraf";',
      'import type { Message } from "wechaty";',
      'import type { Update } from "telegraf/types";',
      'export { x } from "../channels/telegram.js";',
      'const { WechatyBuilder } = await import("wechaty");',
      'import "qrcode-terminal";',
      'const m = require("wechaty-puppet-mock");',
    ].join("\n");
    expect(importsOf(sample)).toEqual(["telegraf", "wechaty", "telegraf/types", "../channels/telegram.js", "qrcode-terminal", "wechaty", "wechaty-puppet-mock"]);
  });

  it("nothing outside src/channels/ imports telegraf, wechaty or their helpers", async () => {
    const all = await sources();
    const offenders = all.flatMap(({ file, imports }) => imports.filter((i) => PLATFORM_SDK.test(i)).map((i) => `${file} imports ${i}`)).filter((line) => !line.startsWith("channels/"));
    expect(offenders).toEqual([]);
    // The scan does see the channels that use them.
    const users = all.filter(({ imports }) => imports.some((i) => PLATFORM_SDK.test(i))).map(({ file }) => file);
    expect(users).toEqual(expect.arrayContaining(["channels/telegram.ts", "channels/wechat.ts"]));
  });

  it("src/core never imports from src/channels", async () => {
    const all = await sources();
    const core = all.filter(({ file }) => file.startsWith("core/"));
    expect(core.length).toBeGreaterThan(10);
    const offenders = core.flatMap(({ file, imports }) =>
      imports
        .filter((i) => i.startsWith("."))
        .filter((i) => relative(SRC, resolve(dirname(join(SRC, file)), i)).split("\\").join("/").startsWith("channels/"))
        .map((i) => `${file} imports ${i}`),
    );
    expect(offenders).toEqual([]);
  });
});
