import { resolve } from "node:path";
import type { Database } from "./database";
import { PostgresDatabase } from "./postgres";
import { SqliteDatabase } from "./sqlite";

export const DEFAULT_SQLITE_PATH = ".data/inbound-oauth.db";

/**
 * Opens the database a `--database` value names: a postgres:// or postgresql:// URL, or a SQLite
 * file path (optionally written sqlite:PATH). Does not migrate.
 */
export function openDatabase(location: string = DEFAULT_SQLITE_PATH): Database {
  if (/^postgres(ql)?:\/\//.test(location)) return new PostgresDatabase(location);
  const path = location.startsWith("sqlite:") ? location.slice("sqlite:".length) : location;
  return new SqliteDatabase(path === ":memory:" ? path : resolve(path));
}

/** The database location with any password masked, for logs. */
export function describeLocation(location: string): string {
  return location.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
}
