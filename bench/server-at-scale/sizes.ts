// How big the database is (read while the server is stopped): SQLite's file and log, after a
// checkpoint, and the pages of the token table and its indexes (dbstat); PostgreSQL's
// pg_database_size and pg_total_relation_size of the token table (its indexes and TOAST included).
import { existsSync, statSync } from "node:fs";
import type { SeedDatabase } from "./seed-database";

export interface Sizes {
  /** The whole database: SQLite file + WAL, or pg_database_size. */
  databaseBytes: number;
  /** oauth_tokens with its indexes. */
  tokenTableBytes: number;
  tokens: number;
  integrations: number;
}

const fileBytes = (path: string) => (existsSync(path) ? statSync(path).size : 0);

async function counts(db: SeedDatabase) {
  const [row] = await db.query<{ tokens: number | string; integrations: number | string }>(
    "SELECT (SELECT COUNT(*) FROM oauth_tokens) AS tokens, (SELECT COUNT(*) FROM integrations) AS integrations",
  );
  return { tokens: Number(row!.tokens), integrations: Number(row!.integrations) };
}

/** SQLite: call after the connection checkpointed (close), with a new one open for dbstat. */
export async function sqliteSizes(db: SeedDatabase, path: string): Promise<Sizes> {
  const [tokens] = await db.query<{ bytes: number | null }>(
    `SELECT SUM(s.pgsize) AS bytes FROM dbstat s JOIN sqlite_schema m ON m.name = s.name
     WHERE m.tbl_name = 'oauth_tokens'`,
  );
  return {
    databaseBytes: fileBytes(path) + fileBytes(`${path}-wal`),
    tokenTableBytes: Number(tokens?.bytes ?? 0),
    ...(await counts(db)),
  };
}

export async function postgresSizes(db: SeedDatabase): Promise<Sizes> {
  const [row] = await db.query<{ database: string; tokens: string }>(
    "SELECT pg_database_size(current_database()) AS database, pg_total_relation_size('oauth_tokens') AS tokens",
  );
  return {
    databaseBytes: Number(row!.database),
    tokenTableBytes: Number(row!.tokens),
    ...(await counts(db)),
  };
}
