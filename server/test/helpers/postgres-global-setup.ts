// Jest globalSetup for the contract and feature tiers: provides a PostgreSQL server via
// TEST_DATABASE_URL. If TEST_DATABASE_URL is already set it is used as is and nothing is started;
// otherwise a throwaway cluster is created in a temporary folder from the newest
// /usr/lib/postgresql/<ver>/bin and stopped again by postgres-global-teardown.ts.
//
// globalSetup and globalTeardown run in the same (parent) process, so the running cluster is kept
// on globalThis. Both tiers declare this file; jest de-duplicates identical paths, but the state is
// reference-counted anyway so that a second call neither starts a second cluster nor lets the first
// teardown stop a cluster that is still in use. The URL is also written to a state file in
// os.tmpdir() (see readTestPostgresStateFile), which lets a later run clean up a cluster left behind
// by a run that was killed before its teardown.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import {
  type ClusterFiles,
  findPostgresBinDir,
  handOverDir,
  initCluster,
  POSTGRES_ROOT,
  startOnFreePort,
  startPostmaster,
  stopPostmaster,
} from "../../../scripts/lib/postgres-cluster";

const TMP_PREFIX = "inbound-oauth-pg-";
const STATE_FILE_PREFIX = "inbound-oauth-test-postgres-";
const STATE_KEY = Symbol.for("inbound-oauth.test-postgres");

/** What is needed to stop a cluster this harness started. */
export interface TestPostgresCluster {
  /** Folder created with mkdtemp; holds data/, log and the Unix socket. Removed on teardown. */
  dir: string;
  dataDir: string;
  binDir: string;
  port: number;
  url: string;
  /** Whether initdb/pg_ctl run through `runuser -u postgres --` (we are root). */
  asPostgresUser: boolean;
  stateFile: string;
}

/** Written to the state file; `pid` is the jest process that owns the cluster. */
export interface TestPostgresStateFile {
  pid: number;
  url: string;
  dir: string;
  dataDir: string;
  binDir: string;
  port: number;
  asPostgresUser: boolean;
}

interface GlobalState {
  refs: number;
  /** Set only when this process started the cluster. */
  cluster?: TestPostgresCluster;
  ready: Promise<void>;
}

const globals = globalThis as unknown as Record<symbol, GlobalState | undefined>;

export function getTestPostgresState(): GlobalState | undefined {
  return globals[STATE_KEY];
}

export function clearTestPostgresState(): void {
  delete globals[STATE_KEY];
}

export function stateFilePath(pid: number): string {
  return join(tmpdir(), `${STATE_FILE_PREFIX}${pid}.json`);
}

/** Reads the state file written by the jest process `pid`, if any. */
export function readTestPostgresStateFile(pid: number): TestPostgresStateFile | undefined {
  try {
    return JSON.parse(readFileSync(stateFilePath(pid), "utf8")) as TestPostgresStateFile;
  } catch {
    return undefined;
  }
}

export default async function postgresGlobalSetup(): Promise<void> {
  const existing = globals[STATE_KEY];
  if (existing) {
    existing.refs += 1;
    await existing.ready;
    return;
  }
  const state: GlobalState = { refs: 1, ready: Promise.resolve() };
  if (process.env.TEST_DATABASE_URL) {
    globals[STATE_KEY] = state;
    return;
  }
  state.ready = (async () => {
    const cluster = await startCluster();
    state.cluster = cluster;
    process.env.TEST_DATABASE_URL = cluster.url;
  })();
  globals[STATE_KEY] = state;
  try {
    await state.ready;
  } catch (error) {
    clearTestPostgresState();
    throw error;
  }
}

type ServerFiles = Pick<TestPostgresCluster, "dir" | "dataDir" | "binDir" | "port" | "asPostgresUser">;

/** The tests' settings: no fsync (a throwaway cluster), room for every suite's pool. */
const TEST_SETTINGS = ["fsync=off", "max_connections=300"];
const NO_SERVER =
  "Run `bash scripts/ensure-postgres.sh` to install them, or set TEST_DATABASE_URL to an existing " +
  "server (e.g. postgres://postgres@127.0.0.1:5432/postgres) whose user may CREATE DATABASE.";

/** Starts the postmaster of an initialised cluster on its port (again, after stopServer). */
export async function startServer(cluster: ServerFiles): Promise<void> {
  await startPostmaster(cluster, cluster.port, TEST_SETTINGS);
}

/** Stops the postmaster but keeps the cluster's files, so startServer can bring it back. */
export async function stopServer(cluster: ServerFiles, mode: "fast" | "immediate" = "fast"): Promise<void> {
  await stopPostmaster(cluster, mode);
}

/**
 * A throwaway cluster of its own, for a test that stops and starts its database server (the shared
 * one of the tier must keep running for the other suites). Stop it with stopCluster.
 */
export async function startCluster(): Promise<TestPostgresCluster> {
  const binDir = findPostgresBinDir(
    `No PostgreSQL server binaries (initdb, pg_ctl) found under ${POSTGRES_ROOT}/<version>/bin. ${NO_SERVER}`,
  );
  const asPostgresUser = process.getuid?.() === 0;
  await cleanUpStaleClusters();

  const dir = mkdtempSync(join(tmpdir(), TMP_PREFIX));
  const files: ClusterFiles = { dir, dataDir: join(dir, "data"), binDir, asPostgresUser };
  const stateFile = stateFilePath(process.pid);
  try {
    await handOverDir(files, "Or set TEST_DATABASE_URL.");
    await initCluster(files);
    const port = await startOnFreePort(files, TEST_SETTINGS, "Could not start the test PostgreSQL cluster");
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const stateContents: TestPostgresStateFile = { pid: process.pid, url, ...files, port };
    writeFileSync(stateFile, `${JSON.stringify(stateContents, null, 2)}\n`);
    return { ...files, port, url, stateFile };
  } catch (error) {
    // Also covers a pg_ctl that gave up waiting while the postmaster kept starting.
    await stopCluster({ ...files, stateFile }, "immediate").catch(() => undefined);
    throw error;
  }
}

/** Stops a cluster this harness started and removes its folder and state file. */
export async function stopCluster(
  cluster: Pick<TestPostgresCluster, "dir" | "dataDir" | "binDir" | "asPostgresUser" | "stateFile">,
  mode: "fast" | "immediate" = "fast",
): Promise<void> {
  try {
    await stopPostmaster(cluster, mode);
  } finally {
    rmSync(cluster.dir, { recursive: true, force: true });
    rmSync(cluster.stateFile, { force: true });
  }
}

/** Stops clusters whose owning jest process died before running its teardown (e.g. killed by Ctrl-C). */
async function cleanUpStaleClusters(): Promise<void> {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const match = new RegExp(`^${STATE_FILE_PREFIX}(\\d+)\\.json$`).exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || isAlive(pid)) continue;
    const stateFile = stateFilePath(pid);
    const state = readTestPostgresStateFile(pid);
    try {
      if (statSync(stateFile).uid !== process.getuid?.()) continue; // someone else's run
      if (state && isOurCluster(state)) {
        await stopCluster({ ...state, stateFile }, "immediate");
      } else {
        rmSync(stateFile, { force: true });
      }
    } catch {
      // Best effort: a leftover we cannot clean up must not fail this run.
    }
  }
}

/** Guards the rm -rf in stopCluster against a state file that does not describe a folder we created. */
function isOurCluster(state: TestPostgresStateFile): boolean {
  const dir = typeof state.dir === "string" ? state.dir : "";
  return (
    resolve(dir) === dir &&
    dirname(dir) === tmpdir() &&
    basename(dir).startsWith(TMP_PREFIX) &&
    state.dataDir === join(dir, "data") &&
    typeof state.binDir === "string" &&
    /^\/usr\/lib\/postgresql\/[^/]+\/bin$/.test(state.binDir) &&
    !state.binDir.includes("..") &&
    typeof state.asPostgresUser === "boolean" &&
    existsSync(state.dataDir)
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
