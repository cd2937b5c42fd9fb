import { dirname } from "node:path";
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import {
  type Database,
  DatabaseUnavailable,
  type Durability,
  ForeignKeyViolation,
  type Row,
  type SqlExecutor,
  UniqueViolation,
} from "./database";
import { applyPending, MIGRATIONS_TABLE } from "./migrations";
import { Mutex } from "./mutex";
import { assertPrivate, ensurePrivateDir, ensurePrivateFile } from "./private-files";
import { BACKSTOP_PAGES, Checkpointer } from "./sqlite-checkpointer";
import { GroupCommit } from "./sqlite-group-commit";

/** How often the checkpointer copies the log into the database file. */
const CHECKPOINT_INTERVAL_MS = 200;

// Extended result codes: https://sqlite.org/rescode.html
const SQLITE_CONSTRAINT_FOREIGNKEY = 787;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
/** ON DELETE RESTRICT refusals come as a trigger constraint, with a FOREIGN KEY message. */
const SQLITE_CONSTRAINT_TRIGGER = 1811;
const SQLITE_CONSTRAINT_UNIQUE = 2067;
const SQLITE_FULL = 13;
/** SQLITE_IOERR and its extended codes (a failed write, fsync or shm map), low byte 10. */
const SQLITE_IOERR = 10;

function translate(error: unknown): unknown {
  const errcode = (error as { errcode?: number }).errcode;
  const message = (error as Error).message ?? "";
  if (errcode !== undefined && (errcode & 0xff) === SQLITE_FULL)
    return new DatabaseUnavailable("full", message);
  if (errcode !== undefined && (errcode & 0xff) === SQLITE_IOERR)
    return new DatabaseUnavailable("io", message);
  if (errcode === SQLITE_CONSTRAINT_UNIQUE || errcode === SQLITE_CONSTRAINT_PRIMARYKEY) {
    return new UniqueViolation(message);
  }
  if (errcode === SQLITE_CONSTRAINT_FOREIGNKEY) return new ForeignKeyViolation(message);
  if (errcode === SQLITE_CONSTRAINT_TRIGGER && message.includes("FOREIGN KEY"))
    return new ForeignKeyViolation(message);
  return error;
}

function bind(params: readonly unknown[]): SQLInputValue[] {
  return params.map((value) => {
    if (value === undefined) return null;
    if (typeof value === "boolean") return value ? 1 : 0;
    return value as SQLInputValue;
  });
}

/**
 * The folder 0700 and the database file 0600 before SQLite opens it (SQLite creates -wal and -shm
 * with the database file's mode); existing ones open to group or others refuse the start.
 */
function preparePrivateFiles(path: string): void {
  ensurePrivateDir(dirname(path));
  ensurePrivateFile(path, "The database file");
  for (const suffix of ["-wal", "-shm", "-journal"]) assertPrivate(`${path}${suffix}`, "The database file");
}

/**
 * The embedded default: one SQLite file in WAL mode with synchronous=FULL, so an acknowledged
 * write survives a crash of the process or the machine. node:sqlite is synchronous, so every
 * statement and transaction takes a FIFO lock: nothing runs inside another request's transaction.
 */
export class SqliteDatabase implements Database {
  readonly dialect = "sqlite" as const;
  private readonly db: DatabaseSync;
  private readonly lock = new Mutex();
  private readonly direct: SqlExecutor;
  private readonly groupCommit: GroupCommit;
  /** Prepared statements by SQL text: preparing is most of the cost of a small query. */
  private readonly statements = new Map<string, StatementSync>();
  /** Checkpoints off the event loop (./sqlite-checkpointer.ts); none for an in-memory database. */
  readonly checkpointer?: Checkpointer;

  constructor(
    readonly path: string,
    options: { checkpointIntervalMs?: number } = {},
  ) {
    if (path !== ":memory:") preparePrivateFiles(path);
    this.db = new DatabaseSync(path);
    this.db.exec("PRAGMA journal_mode = WAL");
    this.db.exec("PRAGMA synchronous = FULL");
    this.db.exec("PRAGMA foreign_keys = ON");
    this.db.exec("PRAGMA busy_timeout = 5000");
    if (path !== ":memory:") {
      this.db.exec(`PRAGMA wal_autocheckpoint = ${BACKSTOP_PAGES}`);
      this.checkpointer = new Checkpointer(
        path,
        options.checkpointIntervalMs ?? CHECKPOINT_INTERVAL_MS,
        (message) =>
          process.emitWarning(`SQLite checkpoint failed (the log grows until it succeeds): ${message}`),
      );
    }
    this.direct = {
      query: async <T extends Row>(sql: string, params: readonly unknown[] = []) => this.all<T>(sql, params),
      execute: async (sql: string, params: readonly unknown[] = []) => this.run(sql, params),
    };
    this.groupCommit = new GroupCommit({
      exec: (sql) => this.db.exec(sql),
      isTransaction: () => this.db.isTransaction,
      direct: this.direct,
      translate,
      locked: (work) => this.lock.run(work),
    });
  }

  private prepared(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= 1000) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private all<T extends Row>(sql: string, params: readonly unknown[]): T[] {
    try {
      return this.prepared(sql).all(...bind(params)) as T[];
    } catch (error) {
      throw translate(error);
    }
  }

  private run(sql: string, params: readonly unknown[]): { rowCount: number } {
    try {
      const result = this.prepared(sql).run(...bind(params));
      return { rowCount: Number(result.changes) };
    } catch (error) {
      throw translate(error);
    }
  }

  query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.lock.run(() => this.all<T>(sql, params));
  }

  execute(sql: string, params: readonly unknown[] = []): Promise<{ rowCount: number }> {
    return this.lock.run(() => this.run(sql, params));
  }

  /** Runs fn atomically, committed together with the transactions waiting beside it (./sqlite-group-commit.ts). */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options: { durability?: Durability } = {}): Promise<T> {
    return this.groupCommit.run(fn, options.durability ?? "full");
  }

  executeRelaxed(sql: string, params: readonly unknown[] = []): Promise<{ rowCount: number }> {
    return this.transaction((tx) => tx.execute(sql, params), { durability: "relaxed" });
  }

  async migrate(): Promise<void> {
    await this.execute(MIGRATIONS_TABLE);
    await this.transaction((tx) => applyPending(tx));
  }

  async ping(): Promise<void> {
    await this.query("SELECT 1 AS ok");
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    await this.lock.run(() => {
      if (!this.db.isOpen) return;
      this.statements.clear();
      try {
        this.db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
      } catch {
        // A full disk: the log stays beside the file, whole, and the next open replays it.
      } finally {
        this.db.close();
      }
    });
  }
}
