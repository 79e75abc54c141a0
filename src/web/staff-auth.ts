import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { newSecret, safeEqual } from "./security.js";

/** The file in the data directory that holds a generated staff token. */
export const STAFF_TOKEN_FILE = "staff-token";

/** Shorter ADMIN_TOKEN values are used but warned about. */
const MIN_TOKEN_CHARS = 16;

export interface StaffToken {
  token: string;
  /** For messages: "ADMIN_TOKEN" or the file it was read from / written to. */
  source: string;
  /** True on the start that generated it: the only time it is printed. */
  generated: boolean;
}

/**
 * The staff console's sign-in token: `ADMIN_TOKEN` when set; else `<dataDir>/staff-token`,
 * generated (24 random bytes, base64url) on the first start and written with mode 0600.
 */
export async function resolveStaffToken(dataDir: string, env: NodeJS.ProcessEnv, report: (line: string) => void): Promise<StaffToken> {
  const fromEnv = env["ADMIN_TOKEN"]?.trim();
  if (fromEnv) {
    if (fromEnv.length < MIN_TOKEN_CHARS) report(`talentbot: WARNING: ADMIN_TOKEN is shorter than ${MIN_TOKEN_CHARS} characters; use a long random value (e.g. openssl rand -base64 24)`);
    return { token: fromEnv, source: "ADMIN_TOKEN", generated: false };
  }
  const file = join(dataDir, STAFF_TOKEN_FILE);
  try {
    const stored = (await readFile(file, "utf8")).trim();
    if (stored) {
      await chmod(file, 0o600).catch(() => undefined);
      return { token: stored, source: file, generated: false };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const token = newSecret(24);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFile(file, `${token}\n`, { encoding: "utf8", mode: 0o600 });
  await chmod(file, 0o600);
  return { token, source: file, generated: true };
}

export interface StaffSession {
  id: string;
  /** Sent back in the X-CSRF-Token header of every state-changing request. */
  csrf: string;
  createdAt: number;
  lastSeen: number;
}

export interface StaffSessionOptions {
  /** A session unused this long ends. Default 2 hours. */
  idleMs?: number;
  /** A session ends this long after sign-in whatever happens. Default 12 hours. */
  maxAgeMs?: number;
  /** Sessions kept at once (oldest dropped). Default 200. */
  maxSessions?: number;
}

/** Signed-in staff, in memory (a restart signs everybody out). */
export class StaffSessions {
  private readonly sessions = new Map<string, StaffSession>();
  readonly idleMs: number;
  readonly maxAgeMs: number;
  private readonly maxSessions: number;

  constructor(options: StaffSessionOptions = {}) {
    this.idleMs = options.idleMs ?? 2 * 60 * 60 * 1000;
    this.maxAgeMs = options.maxAgeMs ?? 12 * 60 * 60 * 1000;
    this.maxSessions = options.maxSessions ?? 200;
  }

  create(now = Date.now()): StaffSession {
    const session: StaffSession = { id: newSecret(32), csrf: newSecret(32), createdAt: now, lastSeen: now };
    this.sessions.set(session.id, session);
    while (this.sessions.size > this.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
    return session;
  }

  /** The live session with this cookie value, touched; undefined when unknown or expired. */
  find(id: string | undefined, now = Date.now()): StaffSession | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (now - session.lastSeen > this.idleMs || now - session.createdAt > this.maxAgeMs) {
      this.sessions.delete(id);
      return undefined;
    }
    session.lastSeen = now;
    return session;
  }

  end(id: string): void {
    this.sessions.delete(id);
  }

  /** Whether `given` is this session's CSRF token (constant time). */
  static csrfMatches(session: StaffSession, given: string | undefined): boolean {
    return given !== undefined && safeEqual(given, session.csrf);
  }
}
