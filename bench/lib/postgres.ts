// PostgreSQL for the benchmarks: a throwaway cluster in a temporary folder (initdb defaults, fsync
// on), or a fresh database on BENCH_DATABASE_URL's server; either goes away at the end.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import {
  type ClusterFiles,
  postmasterPid as clusterPostmasterPid,
  findPostgresBinDir,
  handOverDir,
  initCluster,
  POSTGRES_ROOT,
  startOnFreePort,
  stopPostmaster,
} from "../../scripts/lib/postgres-cluster";
import { onCleanup } from "./cleanup";
import { HOST, messageOf } from "./common";
import { processTreeCpuSeconds } from "./procfs";

export interface PostgresTarget {
  url: string;
  description: string;
  settings: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The postmaster of the cluster this bench started; its backends are its children. Unset with
 * BENCH_DATABASE_URL (that server's processes may not be visible, and other clusters on the
 * machine, e.g. a test run's, must not be counted).
 */
let postmasterPid: number | undefined;

/** What the cluster or database is started with. */
export interface PostgresOptions {
  /**
   * fsync=off and synchronous_commit=off: a commit waits for no disk (a throwaway cluster only; the
   * server's own settings are unchanged, so this measures what fsync costs, nothing else).
   */
  withoutFsync?: boolean;
  /**
   * pg_stat_statements loaded (track_utility on: BEGIN and COMMIT count too) and created in the
   * admin database, for counting the server's statements.
   */
  statementStats?: boolean;
}

/** CPU seconds used so far by the cluster this bench started (postmaster and backends), if any. */
export function postgresCpuSeconds(): number | undefined {
  return postmasterPid === undefined ? undefined : processTreeCpuSeconds(postmasterPid);
}

const REPORTED_POSTGRES_SETTINGS = [
  "server_version",
  "fsync",
  "synchronous_commit",
  "full_page_writes",
  "wal_sync_method",
  "shared_buffers",
  "max_connections",
  "shared_preload_libraries",
];

async function postgresSettings(url: string): Promise<Record<string, string>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const settings: Record<string, string> = {};
    for (const name of REPORTED_POSTGRES_SETTINGS) {
      const result = await client.query<Record<string, string>>(`SHOW ${name}`);
      settings[name] = String(result.rows[0]?.[name] ?? "");
    }
    return settings;
  } finally {
    await client.end();
  }
}

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh database on BENCH_DATABASE_URL's server, dropped again at the end. */
export async function externalPostgres(serverUrl: string): Promise<PostgresTarget> {
  const name = `inbound_oauth_bench_${process.pid}_${randomBytes(4).toString("hex")}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`)).catch((error) => {
    throw new Error(
      `could not create a database on BENCH_DATABASE_URL's server (its user needs CREATEDB): ${messageOf(error)}`,
    );
  });
  const drop = onCleanup(`drop database ${name}`, async () => {
    await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    description: `BENCH_DATABASE_URL's server, fresh database ${name} (dropped at the end)`,
    settings: await postgresSettings(url.toString()),
    stop: drop,
  };
}

/** A throwaway cluster in a temporary folder: initdb defaults (fsync on), plus options. */
export async function throwawayPostgres(options: PostgresOptions = {}): Promise<PostgresTarget> {
  const binDir = findPostgresBinDir(
    `no PostgreSQL binaries (initdb, pg_ctl) under ${POSTGRES_ROOT}/<version>/bin: run scripts/ensure-postgres.sh, ` +
      "set BENCH_DATABASE_URL, or leave postgres out of BENCH_TARGETS",
  );
  const dir = mkdtempSync(join(os.tmpdir(), "inbound-oauth-bench-pg-"));
  const files: ClusterFiles = {
    dir,
    dataDir: join(dir, "data"),
    binDir,
    asPostgresUser: process.getuid?.() === 0,
  };
  const remove = onCleanup("stop the PostgreSQL cluster", async () => {
    postmasterPid = undefined;
    try {
      await stopPostmaster(files);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  await handOverDir(files, "Or set BENCH_DATABASE_URL.");
  await initCluster(files);
  // The server keeps initdb's defaults (fsync on) unless withoutFsync; --no-sync only skipped
  // initdb's own fsync.
  const settings = [
    ...(options.withoutFsync ? ["fsync=off", "synchronous_commit=off"] : []),
    ...(options.statementStats
      ? ["shared_preload_libraries=pg_stat_statements", "pg_stat_statements.track_utility=on"]
      : []),
  ];
  const port = await startOnFreePort(files, settings, "could not start PostgreSQL");
  postmasterPid = clusterPostmasterPid(files);
  const adminUrl = `postgres://postgres@${HOST}:${port}/postgres`;
  await withClient(adminUrl, async (client) => {
    await client.query("CREATE DATABASE inbound_oauth_bench");
    if (options.statementStats) await client.query("CREATE EXTENSION pg_stat_statements");
  });
  const url = `postgres://postgres@${HOST}:${port}/inbound_oauth_bench`;
  const extra = settings.length ? `; ${settings.join(", ")}` : "";
  return {
    url,
    description: `throwaway cluster from ${binDir} in ${dir} (initdb defaults${options.withoutFsync ? "" : "; fsync on"}${extra}), database inbound_oauth_bench`,
    settings: await postgresSettings(url),
    stop: remove,
  };
}

/**
 * BENCH_DATABASE_URL's server when set (its settings as they are: withoutFsync cannot be had
 * there), else a throwaway cluster.
 */
export function startPostgres(options: PostgresOptions = {}): Promise<PostgresTarget> {
  const external = process.env.BENCH_DATABASE_URL;
  if (external && options.withoutFsync)
    throw new Error("a PostgreSQL without fsync needs the throwaway cluster: unset BENCH_DATABASE_URL");
  return external ? externalPostgres(external) : throwawayPostgres(options);
}
