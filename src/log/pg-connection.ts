import type { Pool, PoolClient } from "pg";
import { QuestionLogError, errorCode, errorMessage } from "./errors.js";

/** The connection string without its password, for messages. */
export function describeDatabase(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = "";
    return parsed.toString().replace(/:@/, "@");
  } catch {
    return "DATABASE_URL (not a valid URL)";
  }
}

/** What the operations need of the store: its queries and transactions, each error turned into a QuestionLogError. */
export interface PgDb {
  readonly location: string;
  query<R extends object>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
  transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T>;
}

/** The pool of one PostgreSQL question log: queries, transactions, closing. */
export class PgConnection implements PgDb {
  protected closed = false;

  protected constructor(
    readonly pool: Pool,
    readonly location: string,
  ) {}

  async query<R extends object>(text: string, values: unknown[] = []): Promise<{ rows: R[]; rowCount: number | null }> {
    this.assertOpen();
    try {
      return await this.pool.query<R>(text, values);
    } catch (error) {
      throw databaseError(this.location, error);
    }
  }

  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    this.assertOpen();
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw databaseError(this.location, error);
    }
    let broken = false;
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {
        broken = true;
      });
      throw databaseError(this.location, error);
    } finally {
      client.release(broken);
    }
  }

  protected assertOpen(): void {
    if (this.closed) throw new QuestionLogError(`question log: ${this.location} was closed; open the log again to use it.`);
  }
}

/** What went wrong with the database, and what the operator can do. */
export function databaseError(location: string, error: unknown): QuestionLogError {
  if (error instanceof QuestionLogError) return error;
  const code = errorCode(error);
  const detail = errorMessage(error);
  let advice: string;
  switch (code) {
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "ETIMEDOUT":
    case "ECONNRESET":
    case "57P01": // admin shutdown
    case "57P02":
    case "57P03": // cannot connect now (starting up / shutting down)
    case "08000":
    case "08003":
    case "08006":
      advice = "the database cannot be reached; questions are not saved until it is back (the bot keeps answering and retries by itself). Check that PostgreSQL runs and that DATABASE_URL names it.";
      break;
    case "28P01":
    case "28000":
      advice = "the database refused the user or password; fix DATABASE_URL.";
      break;
    case "3D000":
      advice = "that database does not exist; create it (createdb NAME) or fix DATABASE_URL.";
      break;
    case "42501":
      advice = "the database user may not do this; grant it the right to create tables in that database (or run the first start as its owner).";
      break;
    default:
      advice = /timeout|terminat|Connection/i.test(detail)
        ? "the database connection failed; questions are not saved until it is back (the bot keeps answering and retries by itself). Check that PostgreSQL runs."
        : "check the database's own log for details.";
  }
  return new QuestionLogError(`question log: PostgreSQL ${location} failed (${code ? `${code}: ` : ""}${detail}): ${advice}`, {
    cause: error,
    ...(code === undefined ? {} : { code }),
  });
}
