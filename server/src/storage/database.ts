/**
 * The one storage interface. SQL is written once, with `?` placeholders, in the subset that
 * SQLite and PostgreSQL share; each driver adapts placeholders and normalises constraint errors.
 */
export type Row = Record<string, unknown>;

export interface SqlExecutor {
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  execute(sql: string, params?: readonly unknown[]): Promise<{ rowCount: number }>;
}

/**
 * How a commit survives failures. "full": once acknowledged it survives a crash of the process, of
 * the database server and a power loss. "relaxed": it survives a crash of the process, but a power
 * loss (or, on PostgreSQL, a crash of the database server) may drop the last commits — never
 * leaving a half-written one. Relaxed suits short-lived OAuth state (codes, issued tokens,
 * sessions), which a client can simply obtain again; registry changes and revocations are full.
 */
export type Durability = "full" | "relaxed";

/**
 * A transaction's executor: it also takes steps to run once, last, just before the commit (one per
 * key however often it is asked), such as one bump of the registry generation however many
 * records the transaction wrote. Last, so that a lock such a step takes is held only until the
 * commit, and no transaction waits on another while holding it.
 */
export interface TransactionExecutor extends SqlExecutor {
  beforeCommit(key: string, step: (tx: SqlExecutor) => Promise<void>): void;
}

/** Runs `step` before `ex` commits when `ex` is a transaction; at once otherwise (one statement commits by itself). */
export async function beforeCommit(
  ex: SqlExecutor,
  key: string,
  step: (tx: SqlExecutor) => Promise<void>,
): Promise<void> {
  if ("beforeCommit" in ex && typeof ex.beforeCommit === "function")
    (ex as TransactionExecutor).beforeCommit(key, step);
  else await step(ex);
}

/** A transaction's executor over `ex`, and the function that runs its before-commit steps (the driver calls it before COMMIT). */
export function transactionExecutor(ex: SqlExecutor): {
  tx: TransactionExecutor;
  finish: () => Promise<void>;
} {
  const steps = new Map<string, (tx: SqlExecutor) => Promise<void>>();
  const tx: TransactionExecutor = {
    query: (sql, params) => ex.query(sql, params),
    execute: (sql, params) => ex.execute(sql, params),
    beforeCommit: (key, step) => {
      if (!steps.has(key)) steps.set(key, step);
    },
  };
  const finish = async () => {
    for (const step of steps.values()) await step(ex);
  };
  return { tx, finish };
}

export interface Database extends SqlExecutor {
  readonly dialect: "sqlite" | "postgres";
  /** Runs fn atomically: every write in it commits together or not at all. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options?: { durability?: Durability }): Promise<T>;
  /**
   * One statement that commits by itself with relaxed durability: on PostgreSQL one round trip (on
   * connections whose session runs synchronous_commit=off), on SQLite a relaxed transaction of one.
   */
  executeRelaxed(sql: string, params?: readonly unknown[]): Promise<{ rowCount: number }>;
  /** Applies pending migrations; safe when several servers start at once. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A conditional UPDATE that spends a one-time credential (a code, a refresh token): of any number
 * of concurrent uses it changes a row for exactly one (storage/spend-and-issue.ts).
 */
export interface SpendStatement {
  sql: string;
  params: unknown[];
}

/**
 * An executor over `db` whose every `execute` is one statement committing by itself with relaxed
 * durability (Database.executeRelaxed: one round trip on PostgreSQL); its queries are plain reads.
 * For writes of short-lived OAuth state that take one statement (a login session, a code).
 */
export function relaxedStatements(db: Database): SqlExecutor {
  return {
    query: (sql, params) => db.query(sql, params),
    execute: (sql, params) => db.executeRelaxed(sql, params),
  };
}

/** A UNIQUE or PRIMARY KEY constraint refused a write. */
export class UniqueViolation extends Error {
  readonly code = "STORAGE_UNIQUE_VIOLATION";
}

/** A FOREIGN KEY constraint refused a write (a referenced row is gone, or still referenced). */
export class ForeignKeyViolation extends Error {
  readonly code = "STORAGE_FOREIGN_KEY_VIOLATION";
}

/**
 * The database cannot serve the request now, through no fault of the request: PostgreSQL is
 * unreachable or dropped the connection, or SQLite's disk is full. Retrying later may work; no write
 * of the failed request was committed.
 */
export class DatabaseUnavailable extends Error {
  readonly code = "STORAGE_UNAVAILABLE";
  constructor(
    readonly reason: "unreachable" | "full" | "io",
    message: string,
  ) {
    super(message);
  }
}

export function isDatabaseUnavailable(error: unknown): error is DatabaseUnavailable {
  return (error as { code?: unknown })?.code === "STORAGE_UNAVAILABLE";
}

export function isUniqueViolation(error: unknown): error is UniqueViolation {
  return (error as { code?: unknown })?.code === "STORAGE_UNIQUE_VIOLATION";
}

export function isForeignKeyViolation(error: unknown): error is ForeignKeyViolation {
  return (error as { code?: unknown })?.code === "STORAGE_FOREIGN_KEY_VIOLATION";
}
