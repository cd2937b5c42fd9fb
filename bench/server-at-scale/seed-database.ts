// The bench's own connection to the server's database, to read the rows the server wrote and to
// bulk-insert seeded ones: node:sqlite on the SQLite file (while the server is stopped), or pg.
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import { Client } from "pg";

export type ColumnType = "text" | "int";

/** A table as the seeding writes it: its columns in the order of each row's values. */
export interface TableSpec {
  name: string;
  columns: [string, ColumnType][];
}

export interface SeedDatabase {
  dialect: "sqlite" | "postgres";
  /** A read with `?` placeholders. */
  query<T extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  execute(sql: string, params?: unknown[]): Promise<void>;
  /** Inserts rows (each a list of values in the table's column order); call inside transaction(). */
  insert(table: TableSpec, rows: unknown[][]): Promise<void>;
  /** Runs fn in one transaction: the seeded rows commit together (or not at all). */
  transaction(fn: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/**
 * The SQLite file, as the server leaves it (WAL). Foreign keys on, so that a seeded row pointing at
 * nothing fails the seeding; synchronous=OFF for this connection only (the file's contents are the
 * same; the server, started afterwards, runs its own pragmas).
 */
export function openSqliteSeed(path: string): SeedDatabase {
  const db = new DatabaseSync(path);
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA synchronous = OFF");
  db.exec("PRAGMA cache_size = -262144");
  const inserts = new Map<string, StatementSync>();
  const bind = (params: unknown[]) => params as SQLInputValue[];
  return {
    dialect: "sqlite",
    query: async <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
      db.prepare(sql).all(...bind(params)) as T[],
    execute: async (sql, params = []) => {
      db.prepare(sql).run(...bind(params));
    },
    insert: async (table, rows) => {
      let statement = inserts.get(table.name);
      if (!statement) {
        const names = table.columns.map(([name]) => name);
        statement = db.prepare(
          `INSERT INTO ${table.name} (${names.join(", ")}) VALUES (${names.map(() => "?").join(", ")})`,
        );
        inserts.set(table.name, statement);
      }
      for (const row of rows) statement.run(...bind(row));
    },
    transaction: async (fn) => {
      db.exec("BEGIN");
      try {
        await fn();
        db.exec("COMMIT");
      } catch (error) {
        db.exec("ROLLBACK");
        throw error;
      }
    },
    close: async () => {
      db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
      db.close();
    },
  };
}

const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

/**
 * The PostgreSQL database. Rows go in as one array parameter per column (`INSERT … SELECT * FROM
 * unnest($1::text[], …)`), thousands per statement; synchronous_commit=off for this session only.
 */
export async function openPostgresSeed(url: string): Promise<SeedDatabase> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query("SET synchronous_commit = off");
  return {
    dialect: "postgres",
    query: async <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
      (await client.query(numbered(sql), params)).rows as T[],
    execute: async (sql, params = []) => {
      await client.query(numbered(sql), params);
    },
    insert: async (table, rows) => {
      if (rows.length === 0) return;
      const names = table.columns.map(([name]) => name);
      const arrays = table.columns.map((_, column) => rows.map((row) => row[column]));
      const types = table.columns.map(([, type], i) => `$${i + 1}::${type === "int" ? "int" : "text"}[]`);
      await client.query(
        `INSERT INTO ${table.name} (${names.join(", ")}) SELECT * FROM unnest(${types.join(", ")})`,
        arrays,
      );
    },
    transaction: async (fn) => {
      await client.query("BEGIN");
      try {
        await fn();
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
    },
    close: () => client.end(),
  };
}
