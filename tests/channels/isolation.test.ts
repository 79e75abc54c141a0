import { readFile, readdir } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../helpers/temp-dirs.js";

// Platform SDKs stay inside src/channels/: the core, the engine, the log, the CLI … never load
// them, and the core never depends on a channel. Beyond that, every import between the folders
// of src/ follows the module map in DESIGN.md (read from there, so the map and the code agree).

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
    expect(users).toEqual(expect.arrayContaining(["channels/telegram/channel.ts", "channels/wechat.ts"]));
  });

  it("src/core never imports from src/channels", async () => {
    const all = await sources();
    const core = all.filter(({ file }) => file.startsWith("core/"));
    expect(core.length).toBeGreaterThan(10);
    const offenders = core.flatMap(({ file, imports }) =>
      imports
        .filter((i) => i.startsWith("."))
        .filter((i) =>
          relative(SRC, resolve(dirname(join(SRC, file)), i))
            .split("\\")
            .join("/")
            .startsWith("channels/"),
        )
        .map((i) => `${file} imports ${i}`),
    );
    expect(offenders).toEqual([]);
  });
});

interface Edge {
  file: string;
  specifier: string;
  from: string;
  to: string;
}

const folderOf = (path: string) => path.split("/")[0]!;

/** Imports from one folder of src/ into another (a file's own folder does not count). */
function crossFolderImports(all: readonly { file: string; imports: string[] }[]): Edge[] {
  return all.flatMap(({ file, imports }) =>
    imports
      .filter((i) => i.startsWith("."))
      .map((specifier) => ({
        specifier,
        target: relative(SRC, resolve(dirname(join(SRC, file)), specifier))
          .split("\\")
          .join("/"),
      }))
      .filter(({ target }) => !target.startsWith("..") && target.includes("/"))
      .map(({ specifier, target }) => ({ file, specifier, from: folderOf(file), to: folderOf(target) }))
      .filter((e) => e.from !== e.to),
  );
}

/** DESIGN.md's module map: folder → the folders it may import. */
function moduleMap(design: string): Map<string, Set<string>> {
  const section = design.split(/^## Module map$/m)[1]?.split(/^## /m)[0] ?? "";
  const map = new Map<string, Set<string>>();
  for (const match of section.matchAll(/^\| `([a-z-]+)\/` \| ([^|]*) \|/gm)) {
    const allowed = match[2]!.trim() === "—" ? [] : match[2]!.split(",").map((f) => f.trim());
    map.set(match[1]!, new Set(allowed));
  }
  return map;
}

/** Imports the map does not allow, and folders it does not list. */
function mapViolations(edges: readonly Edge[], map: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  return edges
    .filter((e) => !map.get(e.from)?.has(e.to))
    .map((e) => (map.has(e.from) ? `${e.file} imports ${e.specifier} (${e.from}/ may not import ${e.to}/)` : `${e.file}: ${e.from}/ is not on the module map`));
}

/** Loops between folders, each as "a → b → a". */
function folderLoops(edges: readonly Edge[]): string[] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) next.set(e.from, (next.get(e.from) ?? new Set()).add(e.to));
  const loops = new Set<string>();
  const visit = (folder: string, path: string[]) => {
    const at = path.indexOf(folder);
    if (at >= 0) {
      const loop = path.slice(at);
      const first = loop.indexOf([...loop].sort()[0]!);
      loops.add([...loop.slice(first), ...loop.slice(0, first), loop[first]!].join(" → "));
      return;
    }
    for (const to of next.get(folder) ?? []) visit(to, [...path, folder]);
  };
  for (const folder of next.keys()) visit(folder, []);
  return [...loops].sort();
}

describe("the module map (DESIGN.md) holds", () => {
  const design = () => readFile(join(PROJECT_ROOT, "DESIGN.md"), "utf8");

  it("lists every folder of src/", async () => {
    const map = moduleMap(await design());
    const folders = (await readdir(SRC, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(folders.length).toBeGreaterThan(8);
    expect(folders.filter((f) => !map.has(f))).toEqual([]);
    // Every folder it names exists, and every allowed import names a folder on the map.
    expect([...map.keys()].filter((f) => !folders.includes(f))).toEqual([]);
    expect([...map.values()].flatMap((allowed) => [...allowed]).filter((f) => !map.has(f))).toEqual([]);
  });

  it("keeps the rules that make the layers (the table cannot loosen them)", async () => {
    const map = moduleMap(await design());
    expect([...map.get("channels")!]).toEqual(["core"]);
    expect([...map.get("core")!].filter((f) => ["channels", "web", "cli", "staff", "app", "admin"].includes(f))).toEqual([]);
    expect(map.get("search")!.has("log")).toBe(false);
    expect([...map.get("log")!]).toEqual([]);
    expect([...map.get("knowledge")!]).toEqual([]);
    expect(map.get("web")!.has("app") || map.get("web")!.has("cli") || map.get("web")!.has("channels")).toBe(false);
    // One composition root: only app/ assembles channels and the web server.
    expect([...map.entries()].filter(([, allowed]) => allowed.has("channels") || allowed.has("web")).map(([folder]) => folder)).toEqual(["app"]);
  });

  it("every import between folders of src/ is one the map allows", async () => {
    const edges = crossFolderImports(await sources());
    expect(edges.length).toBeGreaterThan(50);
    expect(mapViolations(edges, moduleMap(await design()))).toEqual([]);
  });

  it("no folders import each other in a loop", async () => {
    expect(folderLoops(crossFolderImports(await sources()))).toEqual([]);
  });

  it("fails on a planted violation (so the checks above can fail)", async () => {
    const map = moduleMap(await design());
    const planted = [
      ...(await sources()),
      { file: "core/planted.ts", imports: ['import type { StaffDesk } from "../staff/desk.js";'].flatMap(importsOf) },
      { file: "channels/planted.ts", imports: ['const { LogDesk } = await import("../staff/desk.js");'].flatMap(importsOf) },
      { file: "log/planted.ts", imports: ['export { Bot } from "../core/bot.js";'].flatMap(importsOf) },
      { file: "extra/planted.ts", imports: ['import "../core/bot.js";'].flatMap(importsOf) },
    ];
    const edges = crossFolderImports(planted);
    expect(mapViolations(edges, map)).toEqual([
      "core/planted.ts imports ../staff/desk.js (core/ may not import staff/)",
      "channels/planted.ts imports ../staff/desk.js (channels/ may not import staff/)",
      "log/planted.ts imports ../core/bot.js (log/ may not import core/)",
      "extra/planted.ts: extra/ is not on the module map",
    ]);
    expect(folderLoops(edges)).toEqual(expect.arrayContaining(["core → log → core", "core → staff → core"]));
  });

  it("keeps every file of src/ at 300 lines or fewer (a longer one gets split by responsibility)", async () => {
    const files = (await readdir(SRC, { recursive: true })).filter((f) => f.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(100);
    const long: string[] = [];
    for (const file of files) {
      const lines = (await readFile(join(SRC, file), "utf8")).split("\n").length - 1;
      if (lines > 300) long.push(`${file}: ${lines} lines`);
    }
    expect(long).toEqual([]);
  });
});
