// The statements a server sends to PostgreSQL, counted by pg_stat_statements: the bench reads the
// counts of the server's database before and after a measured stretch and keeps the difference.
// Each statement the server's driver sends is one round trip (node-postgres sends one extended-
// protocol query per statement, BEGIN and COMMIT included with track_utility on). The bench reads
// through the admin database, so its own queries are not in the server's database's counts.
import { Client } from "pg";
import { messageOf } from "./common";

/** Calls per statement (pg_stat_statements' normalised text) of one database. */
export type StatementCounts = Map<string, number>;

export interface StatementCounter {
  /** The calls of every statement of the server's database so far. */
  snapshot(): Promise<StatementCounts>;
  close(): Promise<void>;
}

/** What happened between two snapshots: the calls per statement, the busiest first. */
export function statementsBetween(before: StatementCounts, after: StatementCounts): StatementCounts {
  const calls: [string, number][] = [];
  for (const [query, count] of after) {
    const delta = count - (before.get(query) ?? 0);
    if (delta > 0) calls.push([query, delta]);
  }
  return new Map(calls.sort((a, b) => b[1] - a[1]));
}

/** Adds b's calls to a's. */
export function addStatements(a: StatementCounts, b: StatementCounts): StatementCounts {
  const sum = new Map(a);
  for (const [query, count] of b) sum.set(query, (sum.get(query) ?? 0) + count);
  return new Map([...sum].sort((x, y) => y[1] - x[1]));
}

export function totalCalls(counts: StatementCounts): number {
  let total = 0;
  for (const count of counts.values()) total += count;
  return total;
}

/**
 * A counter of the statements run in the database of databaseUrl, read through the admin database:
 * BENCH_DATABASE_URL's, or the throwaway cluster's `postgres` (where bench/lib/postgres.ts creates
 * the extension); or why there is none: pg_stat_statements is not created in the admin database,
 * or not loaded (shared_preload_libraries), or the user may not read it.
 */
export async function openStatementCounter(
  databaseUrl: string,
): Promise<StatementCounter | { unavailable: string }> {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.slice(1));
  url.pathname = "/postgres";
  const adminUrl = process.env.BENCH_DATABASE_URL ?? url.toString();
  const client = new Client({ connectionString: adminUrl });
  try {
    await client.connect();
  } catch (error) {
    return { unavailable: `cannot connect to the admin database: ${messageOf(error)}` };
  }
  const snapshot = async (): Promise<StatementCounts> => {
    const result = await client.query<{ query: string; calls: string }>(
      `SELECT query, sum(calls)::text AS calls FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = $1) AND toplevel
        GROUP BY query`,
      [database],
    );
    return new Map(result.rows.map((row) => [row.query, Number(row.calls)]));
  };
  try {
    await snapshot();
  } catch (error) {
    await client.end().catch(() => {});
    return { unavailable: `pg_stat_statements cannot be read: ${messageOf(error)}` };
  }
  return { snapshot, close: () => client.end() };
}
