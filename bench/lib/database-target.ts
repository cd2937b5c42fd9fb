import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { onCleanup } from "./cleanup";
import { type PostgresOptions, startPostgres } from "./postgres";

/** What a result says about the database a server ran on. */
export interface DatabaseInfo {
  kind: string;
  description: string;
  settings: Record<string, string>;
}

/** A report's cell for the database: its description, then its settings (but the note) as k=v. */
export function databaseCell(database: DatabaseInfo | undefined): string {
  if (!database) return "—";
  const settings = Object.entries(database.settings)
    .filter(([k]) => k !== "note")
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
  return `${database.description}${Object.keys(database.settings).length ? "; " : ""}${settings}`;
}

/** How a target's database differs from the default (PostgresOptions apply to PostgreSQL). */
export type BenchDatabaseOptions = PostgresOptions;

/** Where a SQLite file goes withoutFsync: a tmpfs, on which fsync returns at once. */
export const TMPFS_DIR = "/dev/shm";

/**
 * Runs fn with a fresh database for the server: a SQLite file in a temp folder (on TMPFS_DIR
 * withoutFsync), or a database on a throwaway (or BENCH_DATABASE_URL) PostgreSQL; removes it
 * afterwards, also on Ctrl-C.
 */
export async function withBenchDatabase(
  kind: "sqlite" | "postgres",
  describe: (info: DatabaseInfo) => void,
  fn: (location: string) => Promise<void>,
  options: BenchDatabaseOptions = {},
): Promise<void> {
  if (kind === "sqlite") {
    const dir = mkdtempSync(
      join(options.withoutFsync ? TMPFS_DIR : os.tmpdir(), "inbound-oauth-bench-sqlite-db-"),
    );
    const removeDir = onCleanup(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
    describe({
      kind: "sqlite",
      description: `fresh file in ${dir}${options.withoutFsync ? " (tmpfs: fsync returns at once)" : ""} (SQLite ${process.versions.sqlite ?? "?"})`,
      settings: { journal_mode: "WAL", synchronous: "FULL", note: "the server's own pragmas" },
    });
    try {
      await fn(join(dir, "bench.sqlite"));
    } finally {
      await removeDir();
    }
    return;
  }
  const postgres = await startPostgres(options);
  describe({ kind: "postgres", description: postgres.description, settings: postgres.settings });
  try {
    await fn(postgres.url);
  } finally {
    await postgres.stop();
  }
}
