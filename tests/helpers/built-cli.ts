import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { PROJECT_ROOT } from "./temp-dirs.js";

export const BIN = join(PROJECT_ROOT, "bin", "talentbot.js");

/** Compiles src/ to dist/ when a source file is newer than the build, so spawned CLIs run the code under test. */
export async function ensureBuilt(): Promise<void> {
  const built = await stat(join(PROJECT_ROOT, "dist/cli/main.js")).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  const sources = (await readdir(join(PROJECT_ROOT, "src"), { recursive: true })).filter((f) => f.endsWith(".ts"));
  const newest = Math.max(...(await Promise.all(sources.map((f) => stat(join(PROJECT_ROOT, "src", f)).then((s) => s.mtimeMs)))));
  if (newest <= built) return;
  try {
    await promisify(execFile)(process.execPath, [join(PROJECT_ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], { cwd: PROJECT_ROOT });
  } catch (error) {
    // tsc emits even with type errors (which `npm run typecheck` reports); only a missing build is fatal here.
    if (!existsSync(join(PROJECT_ROOT, "dist/cli/main.js"))) throw error;
  }
}

/**
 * The environment without talentbot settings, so the host's do not leak into a test. The web
 * server is off unless a test turns it on (`TALENTBOT_WEB: "on"`, with `PORT: "0"`): a spawned
 * `talentbot start` would otherwise take port 3000 and keep running after its input ends.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TALENTBOT_") && !["PORT", "HOST", "ADMIN_TOKEN", "DATABASE_URL"].includes(k)));
  return { ...env, TALENTBOT_WEB: "off", ...extra };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `talentbot …` in a child process to completion. */
export function talentbot(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? PROJECT_ROOT,
      env: options.env ?? cleanEnv(),
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    if (options.input !== undefined) child.stdin!.end(options.input);
  });
}

export interface RunningCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  write(line: string): void;
}

/** Starts `talentbot …` with a stdin pipe the test writes to. */
export function startTalentbot(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? PROJECT_ROOT, env: options.env ?? cleanEnv(), stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited, write: (line) => child.stdin!.write(`${line}\n`) };
}
