import { createHash } from "node:crypto";
import { Pool, type PoolClient } from "pg";
import {
  type Database,
  DatabaseUnavailable,
  type Durability,
  ForeignKeyViolation,
  isDatabaseUnavailable,
  type Row,
  type SqlExecutor,
  transactionExecutor,
  UniqueViolation,
} from "./database";
import { applyPending, MIGRATIONS_TABLE } from "./migrations";

const UNIQUE_VIOLATION = "23505";
const FOREIGN_KEY_VIOLATION = "23503";
/** Any constant: the advisory lock that serialises migrations across server instances. */
const MIGRATION_LOCK = 7_240_613;

/** Socket errors of Node and SQLSTATEs that mean the server cannot be reached or dropped us. */
const NETWORK_ERRORS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENOTFOUND",
]);
const UNAVAILABLE_STATES = new Set(["57P01", "57P02", "57P03", "53300", "57014"]);
/** pg's own messages for a lost connection, a connect timeout or a query timeout. */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection error|timeout exceeded when trying to connect|Query read timeout|not queryable/i;

function unavailable(code: string | undefined, message: string): boolean {
  if (code && (NETWORK_ERRORS.has(code) || UNAVAILABLE_STATES.has(code) || code.startsWith("08")))
    return true;
  return UNAVAILABLE_MESSAGE.test(message);
}

function translate(error: unknown): unknown {
  if (isDatabaseUnavailable(error)) return error;
  const code = (error as { code?: string }).code;
  const message = (error as Error).message ?? "";
  if (code === UNIQUE_VIOLATION) return new UniqueViolation(message);
  if (code === FOREIGN_KEY_VIOLATION) return new ForeignKeyViolation(message);
  if (unavailable(code, message)) return new DatabaseUnavailable("unreachable", message);
  return error;
}

/** How long a request waits for a connection, and for one statement, before it fails with 503. */
export const CONNECT_TIMEOUT_MS = 5_000;
export const QUERY_TIMEOUT_MS = 15_000;

/** `?` placeholders become `$1`, `$2`, ... (the SQL here never holds a literal question mark). */
function placeholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * Statements are named (by a hash of their text), so each connection parses and plans one only
 * the first time it runs it.
 */
function named(sql: string, values: unknown[]) {
  return { name: `s${createHash("sha1").update(sql).digest("hex").slice(0, 16)}`, text: sql, values };
}

function bind(params: readonly unknown[]): unknown[] {
  return params.map((value) => (typeof value === "boolean" ? (value ? 1 : 0) : (value ?? null)));
}

function executor(
  run: (sql: string, params: unknown[]) => Promise<{ rows: Row[]; rowCount: number | null }>,
) {
  return {
    async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
      try {
        return (await run(placeholders(sql), bind(params))).rows as T[];
      } catch (error) {
        throw translate(error);
      }
    },
    async execute(sql: string, params: readonly unknown[] = []): Promise<{ rowCount: number }> {
      try {
        return { rowCount: (await run(placeholders(sql), bind(params))).rowCount ?? 0 };
      } catch (error) {
        throw translate(error);
      }
    },
  } satisfies SqlExecutor;
}

function newPool(connectionString: string, max: number, sessionOptions?: string): Pool {
  const pool = new Pool({
    connectionString,
    max,
    ...(sessionOptions ? { options: sessionOptions } : {}),
    // Without these a request waits forever for a database that is down or a dead socket.
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    keepAlive: true,
  });
  // An idle client that loses its connection must not crash the process; the pool replaces it.
  pool.on("error", () => {});
  // A connection the server drops makes pg emit 'error' on its client, checked out or not; with no
  // listener that crashes the process. The statement in flight fails on its own, and the pool
  // discards a client that is no longer queryable when it is released.
  pool.on("connect", (client) => client.on("error", () => {}));
  return pool;
}

/** PostgreSQL, for several server instances behind a load balancer. */
export class PostgresDatabase implements Database {
  readonly dialect = "postgres" as const;
  private readonly pool: Pool;
  private readonly direct: SqlExecutor;
  /**
   * Connections whose session runs synchronous_commit=off, for executeRelaxed alone: a statement
   * there commits by itself without waiting for the WAL to reach disk. Opened on first use; every
   * other statement and transaction runs on `pool`, with the server's durable default.
   */
  private readonly relaxedPool: Pool;
  private readonly relaxed: SqlExecutor;

  constructor(connectionString: string, options: { maxConnections?: number } = {}) {
    this.pool = newPool(connectionString, options.maxConnections ?? 10);
    this.relaxedPool = newPool(connectionString, options.maxConnections ?? 10, "-c synchronous_commit=off");
    this.direct = executor((sql, params) => this.pool.query(named(sql, params)));
    this.relaxed = executor((sql, params) => this.relaxedPool.query(named(sql, params)));
  }

  executeRelaxed(sql: string, params?: readonly unknown[]): Promise<{ rowCount: number }> {
    return this.relaxed.execute(sql, params);
  }

  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return this.direct.query<T>(sql, params);
  }

  execute(sql: string, params?: readonly unknown[]): Promise<{ rowCount: number }> {
    return this.direct.execute(sql, params);
  }

  async transaction<T>(
    fn: (tx: SqlExecutor) => Promise<T>,
    options: { durability?: Durability } = {},
  ): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw translate(error);
    }
    let broken: Error | undefined;
    try {
      // Relaxed: the commit returns before the WAL reaches disk: atomic, but a crash of the database
      // server may drop the last such commits. One round trip either way (a simple query may hold two statements).
      await client.query(
        options.durability === "relaxed" ? "BEGIN; SET LOCAL synchronous_commit = off" : "BEGIN",
      );
      const { tx, finish } = transactionExecutor(executor((sql, params) => client.query(named(sql, params))));
      const result = await fn(tx);
      await finish();
      await client.query("COMMIT");
      return result;
    } catch (error) {
      const translated = translate(error);
      // A connection that failed is not given back to the pool for the next request.
      if (isDatabaseUnavailable(translated)) broken = translated;
      else await client.query("ROLLBACK").catch(() => {});
      throw translated;
    } finally {
      client.release(broken);
    }
  }

  async migrate(): Promise<void> {
    await this.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
      await tx.execute(MIGRATIONS_TABLE);
      await applyPending(tx);
    });
  }

  async ping(): Promise<void> {
    await this.direct.query("SELECT 1");
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
    if (!this.relaxedPool.ended) await this.relaxedPool.end();
  }
}
