// The one throwaway PostgreSQL cluster of the tests and the benchmarks: initdb into a temporary
// folder from the newest /usr/lib/postgresql/<ver>/bin, a postmaster on a free port of 127.0.0.1
// with its socket in that folder, pg_ctl stop. Run as the postgres OS user when we are root
// (initdb refuses root). The callers add their own settings, state and clean-up.
import { chownSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { exec, messageOf } from "./exec";
import { freePort } from "./net";

export const POSTGRES_ROOT = "/usr/lib/postgresql";

/** The files of one cluster: what pg_ctl needs to start and stop it. */
export interface ClusterFiles {
  /** Folder created with mkdtemp; holds data/, log and the Unix socket. */
  dir: string;
  dataDir: string;
  binDir: string;
  /** Whether initdb/pg_ctl run through `runuser -u postgres --` (we are root). */
  asPostgresUser: boolean;
}

/** The newest PostgreSQL bin folder with initdb and pg_ctl; `hint` says what to do when there is none. */
export function findPostgresBinDir(hint: string): string {
  let best: { version: number; dir: string } | undefined;
  let names: string[] = [];
  try {
    names = readdirSync(POSTGRES_ROOT);
  } catch {
    // none installed
  }
  for (const name of names) {
    const version = Number.parseFloat(name);
    const dir = join(POSTGRES_ROOT, name, "bin");
    if (!Number.isFinite(version) || !existsSync(join(dir, "initdb")) || !existsSync(join(dir, "pg_ctl")))
      continue;
    if (!best || version > best.version) best = { version, dir };
  }
  if (!best) throw new Error(hint);
  return best.dir;
}

/** Runs a command in the cluster's folder, as the postgres OS user when we are root. */
function runAs(files: ClusterFiles, command: string, args: string[]): Promise<string> {
  return files.asPostgresUser
    ? exec("runuser", ["-u", "postgres", "--", command, ...args], files.dir)
    : exec(command, args, files.dir);
}

/** Runs initdb or pg_ctl of the cluster's bin folder. */
function runTool(files: ClusterFiles, tool: "initdb" | "pg_ctl", args: string[]): Promise<string> {
  return runAs(files, join(files.binDir, tool), args);
}

/** When root: gives the folder to the postgres OS user and checks that it can write there. */
export async function handOverDir(files: ClusterFiles, hint: string): Promise<void> {
  if (!files.asPostgresUser) return;
  let ids: { uid: number; gid: number };
  try {
    const [uid, gid] = await Promise.all([exec("id", ["-u", "postgres"]), exec("id", ["-g", "postgres"])]);
    ids = { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  } catch {
    throw new Error(
      `Running as root, but there is no \`postgres\` OS user to run initdb/pg_ctl as (initdb refuses root). Run \`bash scripts/ensure-postgres.sh\`. ${hint}`,
    );
  }
  chownSync(files.dir, ids.uid, ids.gid);
  await runAs(files, "test", ["-w", files.dir]).catch(() => {
    throw new Error(
      `The postgres OS user cannot write to ${files.dir}; set TMPDIR to a folder it can reach (e.g. /tmp). ${hint}`,
    );
  });
}

/** initdb with trust authentication for the user postgres (--no-sync: only initdb's own fsync). */
export async function initCluster(files: ClusterFiles): Promise<void> {
  await runTool(files, "initdb", [
    ...["-D", files.dataDir, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"],
  ]);
}

/** Starts the postmaster on `port` with extra `-c name=value` settings, waiting until it accepts. */
export async function startPostmaster(files: ClusterFiles, port: number, settings: string[]): Promise<void> {
  const options = [`-p ${port}`, `-k ${files.dir}`, "-c listen_addresses=127.0.0.1"]
    .concat(settings.map((setting) => `-c ${setting}`))
    .join(" ");
  await runTool(files, "pg_ctl", [
    "-w",
    "-D",
    files.dataDir,
    "-o",
    options,
    "-l",
    join(files.dir, "log"),
    "start",
  ]);
}

/**
 * Starts the postmaster on a free port and returns it; the port may be taken between probing and
 * starting, so it tries three times (not again once a postmaster.pid says one is starting).
 */
export async function startOnFreePort(
  files: ClusterFiles,
  settings: string[],
  failure: string,
): Promise<number> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (attempt > 0 && existsSync(join(files.dataDir, "postmaster.pid"))) break;
    const port = await freePort();
    try {
      await startPostmaster(files, port, settings);
      return port;
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(`${failure}: ${messageOf(lastError)}\n${logTail(files.dir)}`);
}

/** Stops the postmaster (if one runs) and waits for it; the files stay. */
export async function stopPostmaster(
  files: ClusterFiles,
  mode: "fast" | "immediate" = "fast",
): Promise<void> {
  if (!existsSync(join(files.dataDir, "postmaster.pid"))) return;
  await runTool(files, "pg_ctl", ["-w", "-D", files.dataDir, "-m", mode, "stop"]);
}

/** The postmaster's process id while it runs. */
export function postmasterPid(files: ClusterFiles): number | undefined {
  try {
    return Number(readFileSync(join(files.dataDir, "postmaster.pid"), "utf8").split("\n")[0]) || undefined;
  } catch {
    return undefined;
  }
}

/** The last 20 lines of the server log, for an error message. */
export function logTail(dir: string): string {
  try {
    const lines = readFileSync(join(dir, "log"), "utf8").trimEnd().split("\n");
    return `Server log (${join(dir, "log")}):\n${lines.slice(-20).join("\n")}`;
  } catch {
    return "";
  }
}
