// Per-test PostgreSQL databases on the server named by TEST_DATABASE_URL (set by
// postgres-global-setup.ts, or supplied from outside). Each call creates a fresh, uniquely named
// database so test files and workers never share state.
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { readTestPostgresStateFile } from "./postgres-global-setup";

export interface TestDatabase {
  /** Connection URL of the new database. */
  url: string;
  /** Terminates connections to the database and drops it. Safe to call more than once. */
  drop(): Promise<void>;
}

/** The URL of the server the tests use (connecting to its maintenance database). */
export function testDatabaseServerUrl(): string {
  const fromEnv = process.env.TEST_DATABASE_URL;
  if (fromEnv) return fromEnv;
  // Fallback in case the environment set by globalSetup did not reach this process: the state file
  // is keyed by the pid of the jest process that ran globalSetup (ourselves when running in band,
  // our parent in a worker).
  const fromState =
    readTestPostgresStateFile(process.pid)?.url ?? readTestPostgresStateFile(process.ppid)?.url;
  if (fromState) return fromState;
  throw new Error(
    "TEST_DATABASE_URL is not set. PostgreSQL tests must run in the jest `contract` or `feature` project " +
      "(whose globalSetup starts a throwaway server; run `bash scripts/ensure-postgres.sh` first if " +
      "PostgreSQL is not installed), or set TEST_DATABASE_URL to a server whose user may CREATE DATABASE.",
  );
}

async function withAdminClient<T>(serverUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = testDatabaseServerUrl();
  const name = `t_${randomBytes(8).toString("hex")}`;
  await withAdminClient(serverUrl, (client) => client.query(`CREATE DATABASE ${quoteIdentifier(name)}`));

  const url = new URL(serverUrl);
  url.pathname = `/${name}`;

  let dropped: Promise<void> | undefined;
  const drop = (): Promise<void> => {
    dropped ??= withAdminClient(serverUrl, async (client) => {
      await client.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        [name],
      );
      const { rows } = await client.query<{ server_version_num: string }>("SHOW server_version_num");
      // WITH (FORCE) exists since PostgreSQL 13; it also ends sessions that connected after the terminate.
      const force = Number(rows[0]?.server_version_num ?? 0) >= 130000 ? " WITH (FORCE)" : "";
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)}${force}`);
    }).catch((error: unknown) => {
      dropped = undefined; // allow a retry
      throw error;
    });
    return dropped;
  };

  return { url: url.toString(), drop };
}
