import { prepareDatabase } from "../bootstrap";
import { systemClock } from "../domain/clock";
import type { Database } from "../storage/database";
import { DEFAULT_SQLITE_PATH, openDatabase } from "../storage/open";

/** A mistake in how the command was called: printed without a stack, exit code 2. */
export class UsageError extends Error {}

/** parseArgs options for flags that take a value: `--name value`, read as a string. */
export function stringFlags<const Name extends string>(
  ...names: Name[]
): { [N in Name]: { type: "string" } } {
  return Object.fromEntries(names.map((name) => [name, { type: "string" }])) as {
    [N in Name]: { type: "string" };
  };
}

/** --database, else DATABASE_URL, else the embedded SQLite default. */
export function databaseLocation(values: { database?: string }): string {
  return values.database ?? process.env.DATABASE_URL ?? DEFAULT_SQLITE_PATH;
}

/** Opens and migrates the database, runs fn, closes it. */
export async function withDatabase<T>(location: string, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = openDatabase(location);
  try {
    await prepareDatabase(db, systemClock);
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Reads all of standard input (for --password-stdin). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
