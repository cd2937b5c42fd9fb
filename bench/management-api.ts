// Throughput and latency of the management API next to a bare Fastify route, in one run.
//
//   npx tsc -p tsconfig.build.json && node dist/bench/management-api.js
//
// Targets, each its own child process so that the load generator (autocannon, in this process) and
// the server never share a thread:
//   bare      dist/bench/bare-fastify.js: GET /bare and POST /bare, no auth, no database
//   sqlite    the real server on a fresh SQLite file (WAL, synchronous=FULL, as it ships)
//   postgres  the real server on PostgreSQL: a throwaway cluster started here (fsync on), or a
//             fresh database created on BENCH_DATABASE_URL's server and dropped at the end
// Workloads: GET one integration (with its bearer token) and create an integration (unique name
// per request). Each is warmed up, then measured; any non-2xx response or socket error makes
// the run invalid and the exit code 1.
//
// Environment: BENCH_DURATION (seconds per measured run, default 10), BENCH_WARMUP (seconds,
// default 2), BENCH_CONNECTIONS (default 10), BENCH_TARGETS (e.g. "bare,sqlite"; default all),
// BENCH_WORKLOADS ("get", "create" or both, the default; for profiling one of them),
// BENCH_DATABASE_URL (use this PostgreSQL server), BENCH_CPU_PROF (a folder: run the servers with
// --cpu-prof and write their profiles there; summarise them with dist/bench/cpu-profile-top.js).
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import { join, resolve } from "node:path";
import autocannon from "autocannon";
import { Client } from "pg";

// ---------------------------------------------------------------------------------------------
// Settings

const HOST = "127.0.0.1";
const REPO = resolve(__dirname, "..", "..");
const CLI = join(REPO, "dist", "server", "src", "cli.js");
const BARE = join(__dirname, "bare-fastify.js");
const RESULTS_DIR = join(REPO, "bench", "results");
const RESULTS_FILE = join(RESULTS_DIR, "management-api.json");
const POSTGRES_ROOT = "/usr/lib/postgresql";

function numberFromEnv(name: string, fallback: number, integer: boolean): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`${name} must be a positive ${integer ? "integer" : "number"}, got "${raw}"`);
  }
  return value;
}

const SETTINGS = {
  durationSeconds: numberFromEnv("BENCH_DURATION", 10, false),
  warmupSeconds: numberFromEnv("BENCH_WARMUP", 2, false),
  connections: numberFromEnv("BENCH_CONNECTIONS", 10, true),
  pipelining: 1,
  targets: (process.env.BENCH_TARGETS ?? "bare,sqlite,postgres")
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean),
  workloads: (process.env.BENCH_WORKLOADS ?? "get,create")
    .split(",")
    .map((w) => w.trim())
    .filter(Boolean),
  cpuProfileDir: process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined,
  externalPostgres: Boolean(process.env.BENCH_DATABASE_URL),
};

const TARGET_KEYS = ["bare", "sqlite", "postgres"] as const;
type TargetKey = (typeof TARGET_KEYS)[number];
type Workload = "get" | "create";

// ---------------------------------------------------------------------------------------------
// Clean-up: servers, the PostgreSQL cluster and temporary folders go away on success, on error and
// on SIGINT/SIGTERM.

const cleanups: { label: string; fn: () => Promise<void> | void }[] = [];

function onCleanup(label: string, fn: () => Promise<void> | void): () => Promise<void> {
  const entry = { label, fn };
  cleanups.push(entry);
  return async () => {
    const index = cleanups.indexOf(entry);
    if (index < 0) return;
    cleanups.splice(index, 1);
    await entry.fn();
  };
}

async function cleanUpAll(): Promise<void> {
  while (cleanups.length > 0) {
    const entry = cleanups.pop()!;
    try {
      await entry.fn();
    } catch (error) {
      log(`clean-up "${entry.label}" failed: ${messageOf(error)}`);
    }
  }
}

let interrupted = false;
for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const) {
  process.once(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping servers and cleaning up`);
    for (const instance of liveLoads) instance.stop();
    cleanUpAll().finally(() => process.exit(code));
  });
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.once("error", fail);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? done(port) : fail(new Error("could not determine a free TCP port"))));
    });
  });
}

function run(command: string, args: string[], cwd?: string): Promise<string> {
  return new Promise((done, fail) => {
    execFile(command, args, { cwd, encoding: "utf8", timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) {
        const output = `${stdout}${stderr}`.trim();
        fail(
          new Error(
            `\`${[command, ...args].join(" ")}\` failed: ${error.message}${output ? `\n${output}` : ""}`,
          ),
        );
      } else {
        done(stdout);
      }
    });
  });
}

function packageVersion(name: string): string {
  try {
    return (
      JSON.parse(readFileSync(join(REPO, "node_modules", name, "package.json"), "utf8")) as {
        version: string;
      }
    ).version;
  } catch {
    return "unknown";
  }
}

/** Peak resident set size (VmHWM) of a live process, in bytes. */
function peakRssBytes(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU time a process has used, in seconds. */
function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/**
 * The postmaster of the cluster this bench started; its backends are its children. Unset with
 * BENCH_DATABASE_URL (that server's processes may not be visible, and other clusters on the
 * machine, e.g. a test run's, must not be counted).
 */
let postmasterPid: number | undefined;

/** CPU seconds used so far by our PostgreSQL cluster: the postmaster and its children. */
function postgresCpuSeconds(): number | undefined {
  const postmaster = postmasterPid;
  if (postmaster === undefined) return undefined;
  let total = processCpuSeconds(postmaster) ?? 0;
  let pids: string[] = [];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // After "pid (comm) ": state, then ppid.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === postmaster) total += processCpuSeconds(Number(pid)) ?? 0;
    } catch {
      // the process went away
    }
  }
  return total;
}

/** Busy and total CPU time of the whole machine (all cores, from /proc/stat), in clock ticks. */
function machineCpuTicks(): { busy: number; total: number } {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest time is part of user)
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait };
  } catch {
    return { busy: 0, total: 0 };
  }
}

// ---------------------------------------------------------------------------------------------
// Server processes

interface ServerProcess {
  name: string;
  pid: number;
  url: string;
  /** The last lines the process printed, for error reports. */
  output(): string;
  /** Reads the peak RSS, then stops the process (SIGTERM, SIGKILL after 15 s). */
  stop(): Promise<number | undefined>;
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once("exit", () => done()));
}

async function startServer(
  name: string,
  script: string,
  args: string[],
  readyPath: string,
): Promise<ServerProcess> {
  let lastError: unknown;
  // The free port may be taken between probing and listening: try again a few times.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const nodeOptions = SETTINGS.cpuProfileDir
      ? ["--cpu-prof", `--cpu-prof-dir=${SETTINGS.cpuProfileDir}`, `--cpu-prof-name=${name}.cpuprofile`]
      : [];
    const child = spawn(
      process.execPath,
      [...nodeOptions, script, ...args, "--port", String(port), "--host", HOST],
      {
        cwd: REPO,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, NODE_ENV: "production" },
      },
    );
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-8000);
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    const exited = waitForExit(child);
    const url = `http://${HOST}:${port}`;
    let stopping: Promise<number | undefined> | undefined;
    const stopProcess = () => {
      stopping ??= (async () => {
        const peak = peakRssBytes(child.pid!);
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
          await exited;
          clearTimeout(timer);
        }
        return peak;
      })();
      return stopping;
    };
    const removeCleanup = onCleanup(`stop ${name}`, async () => {
      await stopProcess();
    });
    const server: ServerProcess = {
      name,
      pid: child.pid!,
      url,
      output: () => output.trim(),
      stop: async () => {
        const peak = await stopProcess();
        await removeCleanup();
        return peak;
      },
    };

    try {
      await waitUntilReady(`${url}${readyPath}`, child);
      return server;
    } catch (error) {
      lastError = new Error(
        `${name} did not become ready: ${messageOf(error)}\n--- ${name} output ---\n${output.trim()}`,
      );
      await server.stop();
      if (/EADDRINUSE/.test(output)) continue;
      throw lastError;
    }
  }
  throw lastError;
}

async function waitUntilReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the process exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      const body = await response.text();
      if (response.ok) return;
      last = `${response.status} ${body.slice(0, 200)}`;
    } catch (error) {
      last = messageOf(error);
    }
    await sleep(100);
  }
  throw new Error(`GET ${url} did not answer 2xx within 60 s (last: ${last})`);
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

interface PostgresTarget {
  url: string;
  description: string;
  settings: Record<string, string>;
  stop(): Promise<void>;
}

function findPostgresBinDir(): string {
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
  if (!best) {
    throw new Error(
      `no PostgreSQL binaries (initdb, pg_ctl) under ${POSTGRES_ROOT}/<version>/bin: run scripts/ensure-postgres.sh, ` +
        "set BENCH_DATABASE_URL, or leave postgres out of BENCH_TARGETS",
    );
  }
  return best.dir;
}

const REPORTED_POSTGRES_SETTINGS = [
  "server_version",
  "fsync",
  "synchronous_commit",
  "full_page_writes",
  "wal_sync_method",
  "shared_buffers",
  "max_connections",
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
async function externalPostgres(serverUrl: string): Promise<PostgresTarget> {
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

/** A throwaway cluster in a temporary folder: initdb defaults, fsync on. */
async function throwawayPostgres(): Promise<PostgresTarget> {
  const binDir = findPostgresBinDir();
  const asPostgresUser = process.getuid?.() === 0;
  const pg = (tool: string, args: string[], cwd: string) =>
    asPostgresUser
      ? run("runuser", ["-u", "postgres", "--", join(binDir, tool), ...args], cwd)
      : run(join(binDir, tool), args, cwd);

  const dir = mkdtempSync(join(os.tmpdir(), "inbound-oauth-bench-pg-"));
  const dataDir = join(dir, "data");
  let started = false;
  const remove = onCleanup("stop the PostgreSQL cluster", async () => {
    postmasterPid = undefined;
    try {
      if (started || existsSync(join(dataDir, "postmaster.pid"))) {
        await pg("pg_ctl", ["-D", dataDir, "-m", "fast", "-w", "stop"], dir);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  if (asPostgresUser) {
    const uid = Number((await run("id", ["-u", "postgres"])).trim());
    const gid = Number((await run("id", ["-g", "postgres"])).trim());
    chownSync(dir, uid, gid);
  }
  // --no-sync only skips initdb's own fsync of the new files; the server runs with fsync on.
  await pg("initdb", ["-D", dataDir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"], dir);
  let port = 0;
  let lastError: unknown;
  for (let attempt = 0; attempt < 3 && !started; attempt++) {
    port = await freePort();
    const options = [`-p ${port}`, `-k ${dir}`, `-c listen_addresses=${HOST}`].join(" ");
    try {
      await pg("pg_ctl", ["-w", "-D", dataDir, "-o", options, "-l", join(dir, "log"), "start"], dir);
      started = true;
    } catch (error) {
      lastError = error;
      if (existsSync(join(dataDir, "postmaster.pid"))) break;
    }
  }
  if (!started) {
    let tail = "";
    try {
      tail = readFileSync(join(dir, "log"), "utf8").trim().split("\n").slice(-20).join("\n");
    } catch {
      // no log
    }
    throw new Error(`could not start PostgreSQL: ${messageOf(lastError)}\n${tail}`);
  }
  postmasterPid = Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]) || undefined;
  const adminUrl = `postgres://postgres@${HOST}:${port}/postgres`;
  await withClient(adminUrl, (client) => client.query("CREATE DATABASE inbound_oauth_bench"));
  const url = `postgres://postgres@${HOST}:${port}/inbound_oauth_bench`;
  return {
    url,
    description: `throwaway cluster from ${binDir} in ${dir} (initdb defaults; fsync on), database inbound_oauth_bench`,
    settings: await postgresSettings(url),
    stop: remove,
  };
}

// ---------------------------------------------------------------------------------------------
// Load

interface LoadSpec {
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  /** For POST: a body with a name no earlier request used. */
  body?: () => string;
}

interface RunResult {
  target: TargetKey;
  workload: Workload;
  request: string;
  requestsPerSecond: number;
  requestsTotal: number;
  durationSeconds: number;
  latencyMs: { p50: number; p90: number; p99: number; average: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** The first few non-2xx responses, for error reports. */
  failedResponses: { status: number; body: string }[];
  /**
   * CPU use during the measured run, in % of one core (the machine has nproc × 100 %): the server
   * process, the visible PostgreSQL processes, autocannon (this process), and whatever else ran on
   * the machine (the rest of the machine's busy time: the kernel's network work, other people's jobs).
   */
  cpu: {
    serverPercentOfCore?: number;
    databasePercentOfCore?: number;
    loadGeneratorPercentOfCore: number;
    restOfMachinePercentOfCore: number;
    machineBusyPercent: number;
  };
  valid: boolean;
  warmup: { requestsTotal: number; non2xx: number; errors: number; valid: boolean };
}

const liveLoads = new Set<autocannon.Instance>();

async function load(url: string, spec: LoadSpec, seconds: number) {
  if (interrupted) throw new Error("interrupted");
  const failed: { status: number; body: string }[] = [];
  const instance = autocannon({
    url,
    connections: SETTINGS.connections,
    pipelining: SETTINGS.pipelining,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        method: spec.method,
        path: spec.path,
        headers: spec.headers,
        ...(spec.body
          ? {
              body: spec.body(),
              setupRequest: (request) => ({ ...request, body: spec.body!() }),
            }
          : {}),
        onResponse: (status, body) => {
          if ((status >= 200 && status <= 299) || failed.length >= 5) return;
          // Keep distinct answers only: one line per kind of failure.
          const text = body.slice(0, 600);
          if (!failed.some((f) => f.status === status && f.body === text))
            failed.push({ status, body: text });
        },
      },
    ],
  });
  liveLoads.add(instance);
  try {
    const result = await instance;
    return { result, failed };
  } finally {
    liveLoads.delete(instance);
  }
}

function isValid(result: autocannon.Result): boolean {
  return result.non2xx === 0 && result.errors === 0 && result.timeouts === 0 && result.requests.total > 0;
}

async function measure(
  target: TargetKey,
  workload: Workload,
  server: ServerProcess,
  spec: LoadSpec,
): Promise<RunResult> {
  const request = `${spec.method} ${spec.path}`;
  log(
    `${target} ${workload}: warm-up ${SETTINGS.warmupSeconds} s, then ${SETTINGS.durationSeconds} s (${request})`,
  );
  const warm = await load(server.url, spec, SETTINGS.warmupSeconds);

  const serverCpuBefore = processCpuSeconds(server.pid);
  const databaseCpuBefore = target === "postgres" ? postgresCpuSeconds() : undefined;
  const generatorBefore = process.cpuUsage();
  const machineBefore = machineCpuTicks();
  const wallBefore = process.hrtime.bigint();
  const { result, failed } = await load(server.url, spec, SETTINGS.durationSeconds);
  const wallSeconds = Number(process.hrtime.bigint() - wallBefore) / 1e9;
  const generator = process.cpuUsage(generatorBefore);
  const machineAfter = machineCpuTicks();
  const databaseCpuAfter = target === "postgres" ? postgresCpuSeconds() : undefined;
  const serverCpuAfter = processCpuSeconds(server.pid);

  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {}))
    statusCodes[code] = Number(count);
  const round = (value: number, digits = 2) => Number(value.toFixed(digits));
  const percentOfCore = (seconds: number) => round((seconds / wallSeconds) * 100, 0);
  const serverPercent =
    serverCpuBefore !== undefined && serverCpuAfter !== undefined
      ? percentOfCore(serverCpuAfter - serverCpuBefore)
      : undefined;
  const databasePercent =
    databaseCpuBefore !== undefined && databaseCpuAfter !== undefined
      ? percentOfCore(databaseCpuAfter - databaseCpuBefore)
      : undefined;
  const generatorPercent = percentOfCore((generator.user + generator.system) / 1e6);
  const machineTotal = machineAfter.total - machineBefore.total;
  const machineBusy = machineTotal > 0 ? (machineAfter.busy - machineBefore.busy) / machineTotal : 0;
  const machinePercentOfCore = machineBusy * os.availableParallelism() * 100;
  return {
    target,
    workload,
    request,
    requestsPerSecond: round(result.requests.average, 1),
    requestsTotal: result.requests.total,
    durationSeconds: result.duration,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      average: round(result.latency.average),
      max: result.latency.max,
    },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    failedResponses: [
      ...warm.failed,
      ...failed.filter((f) => !warm.failed.some((w) => w.status === f.status && w.body === f.body)),
    ].slice(0, 5),
    cpu: {
      ...(serverPercent !== undefined ? { serverPercentOfCore: serverPercent } : {}),
      ...(databasePercent !== undefined ? { databasePercentOfCore: databasePercent } : {}),
      loadGeneratorPercentOfCore: generatorPercent,
      restOfMachinePercentOfCore: Math.max(
        0,
        round(machinePercentOfCore - (serverPercent ?? 0) - (databasePercent ?? 0) - generatorPercent, 0),
      ),
      machineBusyPercent: round(machineBusy * 100, 0),
    },
    valid: isValid(result) && isValid(warm.result),
    warmup: {
      requestsTotal: warm.result.requests.total,
      non2xx: warm.result.non2xx,
      errors: warm.result.errors + warm.result.timeouts,
      valid: isValid(warm.result),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Targets

interface TargetResult {
  key: TargetKey;
  label: string;
  database?: { kind: string; description: string; settings: Record<string, string> };
  peakRssBytes?: number;
  runs: Partial<Record<Workload, RunResult>>;
  error?: string;
}

const TARGET_LABELS: Record<TargetKey, string> = {
  bare: "bare Fastify",
  sqlite: "server + SQLite",
  postgres: "server + PostgreSQL",
};

function wanted(workload: Workload): boolean {
  return SETTINGS.workloads.includes(workload);
}

let nameCounter = 0;
/** A unique integration name per request, across warm-up and measured runs and targets. */
function uniqueBody(target: TargetKey): () => string {
  const run = randomBytes(3).toString("hex");
  return () =>
    JSON.stringify({
      name: `bench-${target}-${run}-${++nameCounter}`,
      providerName: "Acme",
      redirectUrls: ["https://app.example.com/cb"],
    });
}

const JSON_HEADERS = { "content-type": "application/json" };

async function benchBare(result: TargetResult): Promise<void> {
  const server = await startServer("bare-fastify", BARE, [], "/bare");
  try {
    // Same request shape as the real server gets (a bearer token it ignores).
    const auth = { authorization: `Bearer ioa_${"0".repeat(32)}_${"A".repeat(43)}` };
    if (wanted("get")) {
      result.runs.get = await measure("bare", "get", server, { method: "GET", path: "/bare", headers: auth });
    }
    if (wanted("create")) {
      result.runs.create = await measure("bare", "create", server, {
        method: "POST",
        path: "/bare",
        headers: { ...auth, ...JSON_HEADERS },
        body: uniqueBody("bare"),
      });
    }
  } catch (error) {
    throw new Error(`${messageOf(error)}\n--- ${server.name} output ---\n${server.output()}`);
  } finally {
    result.peakRssBytes = await server.stop();
  }
}

async function benchRealServer(
  key: "sqlite" | "postgres",
  database: string,
  result: TargetResult,
): Promise<void> {
  const dir = mkdtempSync(join(os.tmpdir(), `inbound-oauth-bench-${key}-`));
  const removeDir = onCleanup(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  const tokenFile = join(dir, "admin-token");
  const server = await startServer(
    `server-${key}`,
    CLI,
    ["serve", "--database", database, "--admin-token-file", tokenFile, "--log-level", "warn"],
    "/readyz",
  );
  try {
    if (!existsSync(tokenFile)) {
      throw new Error(`the server wrote no admin token to ${tokenFile}: was the database not empty?`);
    }
    const token = readFileSync(tokenFile, "utf8").trim();
    const auth = { authorization: `Bearer ${token}` };

    const created = await fetch(`${server.url}/api/v1/integrations`, {
      method: "POST",
      headers: { ...auth, ...JSON_HEADERS },
      body: JSON.stringify({
        name: "bench-read-target",
        providerName: "Acme",
        redirectUrls: ["https://app.example.com/cb"],
      }),
    });
    const createdBody = await created.text();
    if (created.status !== 201)
      throw new Error(`creating the record to read failed: ${created.status} ${createdBody}`);
    const id = (JSON.parse(createdBody) as { id: string }).id;
    const path = `/api/v1/integrations/${id}`;
    const check = await fetch(`${server.url}${path}`, { headers: auth });
    const checkBody = await check.text();
    if (check.status !== 200) throw new Error(`GET ${path} answered ${check.status}: ${checkBody}`);

    if (wanted("get"))
      result.runs.get = await measure(key, "get", server, { method: "GET", path, headers: auth });
    if (wanted("create")) {
      result.runs.create = await measure(key, "create", server, {
        method: "POST",
        path: "/api/v1/integrations",
        headers: { ...auth, ...JSON_HEADERS },
        body: uniqueBody(key),
      });
    }
  } catch (error) {
    throw new Error(`${messageOf(error)}\n--- ${server.name} output ---\n${server.output()}`);
  } finally {
    result.peakRssBytes = await server.stop();
    await removeDir();
  }
}

async function benchTarget(key: TargetKey): Promise<TargetResult> {
  const result: TargetResult = { key, label: TARGET_LABELS[key], runs: {} };
  try {
    if (key === "bare") {
      await benchBare(result);
    } else if (key === "sqlite") {
      const dir = mkdtempSync(join(os.tmpdir(), "inbound-oauth-bench-sqlite-db-"));
      const removeDir = onCleanup(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
      result.database = {
        kind: "sqlite",
        description: `fresh file in ${dir} (SQLite ${process.versions.sqlite ?? "?"})`,
        settings: { journal_mode: "WAL", synchronous: "FULL", note: "the server's own pragmas" },
      };
      try {
        await benchRealServer("sqlite", join(dir, "bench.sqlite"), result);
      } finally {
        await removeDir();
      }
    } else {
      const postgres = process.env.BENCH_DATABASE_URL
        ? await externalPostgres(process.env.BENCH_DATABASE_URL)
        : await throwawayPostgres();
      result.database = { kind: "postgres", description: postgres.description, settings: postgres.settings };
      try {
        await benchRealServer("postgres", postgres.url, result);
      } finally {
        await postgres.stop();
      }
    }
  } catch (error) {
    result.error = messageOf(error);
    log(`${key} failed: ${result.error}`);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Report

interface Ratio {
  target: TargetKey;
  workload: Workload;
  ratio: number;
  of: string;
}

function ratios(targets: TargetResult[]): Ratio[] {
  const bare = targets.find((t) => t.key === "bare");
  const out: Ratio[] = [];
  for (const target of targets) {
    if (target.key === "bare") continue;
    for (const workload of ["get", "create"] as const) {
      const run = target.runs[workload];
      const base = bare?.runs[workload];
      if (!run || !base || !run.valid || !base.valid || base.requestsPerSecond === 0) continue;
      out.push({
        target: target.key,
        workload,
        ratio: Number((run.requestsPerSecond / base.requestsPerSecond).toFixed(3)),
        of: `${run.request} req/s ÷ bare ${base.request} req/s`,
      });
    }
  }
  return out;
}

function mib(bytes: number | undefined): string {
  return bytes === undefined ? "n/a" : `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

function table(headers: string[], rows: string[][], rightAligned: Set<number>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (rightAligned.has(i) ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  return [line(headers), rule, ...rows.map(line)].join("\n");
}

function markdown(report: Report): string {
  const ratioOf = new Map(report.ratios.map((r) => [`${r.target}/${r.workload}`, r.ratio]));
  const rows: string[][] = [];
  for (const target of report.targets) {
    for (const workload of ["get", "create"] as const) {
      const run = target.runs[workload];
      if (!run) {
        if (!target.error || !wanted(workload)) continue;
        rows.push([
          target.label,
          `${workload === "get" ? "GET one" : "create"} (did not run)`,
          ...Array(7).fill("—"),
        ]);
        continue;
      }
      const ratio =
        target.key === "bare" ? "1.00" : (ratioOf.get(`${target.key}/${workload}`)?.toFixed(2) ?? "n/a");
      rows.push([
        target.label,
        `${workload === "get" ? "GET one" : "create"}${run.valid ? "" : " (INVALID)"}`,
        run.requestsPerSecond.toFixed(0),
        String(run.latencyMs.p50),
        String(run.latencyMs.p99),
        ratio,
        String(run.requestsTotal),
        String(run.non2xx + run.errors + run.timeouts),
        [
          run.cpu.serverPercentOfCore,
          run.cpu.databasePercentOfCore,
          run.cpu.loadGeneratorPercentOfCore,
          run.cpu.restOfMachinePercentOfCore,
        ]
          .map((value) => (value === undefined ? "–" : String(value)))
          .join(" / "),
      ]);
    }
  }
  const main = table(
    [
      "Target",
      "Workload",
      "req/s",
      "p50 ms",
      "p99 ms",
      "× bare",
      "requests",
      "failed",
      "CPU % server / db / autocannon / rest",
    ],
    rows,
    new Set([2, 3, 4, 5, 6, 7, 8]),
  );
  const servers = table(
    ["Target", "Peak RSS (VmHWM)", "Database"],
    report.targets.map((t) => [
      t.label,
      mib(t.peakRssBytes),
      t.database
        ? `${t.database.description}; ${Object.entries(t.database.settings)
            .filter(([k]) => k !== "note")
            .map(([k, v]) => `${k}=${v}`)
            .join(", ")}`
        : "—",
    ]),
    new Set([1]),
  );
  const m = report.machine;
  const s = report.settings;
  return [
    "## Management API benchmark",
    "",
    `Machine: ${m.nproc} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.kernel}; Node ${m.node}; ` +
      `fastify ${m.fastify}, autocannon ${m.autocannon}, pg ${m.pg}, SQLite ${m.sqlite}`,
    `Settings: ${s.connections} connections, pipelining ${s.pipelining}, ${s.warmupSeconds} s warm-up + ` +
      `${s.durationSeconds} s measured per run; load generator in the parent process, each server a child process`,
    "",
    main,
    "",
    "× bare: this row's req/s ÷ the bare Fastify route's req/s for the same workload (GET one ÷ GET /bare, " +
      "create ÷ POST /bare). CPU: % of one core during the measured run (the machine has " +
      `${report.machine.nproc * 100} %): the server process, the PostgreSQL cluster started here (postmaster and backends), autocannon (the bench ` +
      "process), and the rest of the machine's busy time (kernel network work, other jobs). A large rest " +
      "means other work shared the machine: rerun before trusting the figures.",
    "",
    servers,
    "",
  ].join("\n");
}

interface Report {
  benchmark: "management-api";
  generatedAt: string;
  machine: {
    nproc: number;
    cpuModel: string;
    memoryGiB: number;
    kernel: string;
    node: string;
    fastify: string;
    autocannon: string;
    pg: string;
    sqlite: string;
  };
  settings: typeof SETTINGS;
  targets: TargetResult[];
  ratios: Ratio[];
  valid: boolean;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  for (const key of SETTINGS.targets) {
    if (!TARGET_KEYS.includes(key as TargetKey)) throw new Error(`unknown target "${key}" in BENCH_TARGETS`);
  }
  for (const workload of SETTINGS.workloads) {
    if (workload !== "get" && workload !== "create")
      throw new Error(`unknown workload "${workload}" in BENCH_WORKLOADS`);
  }
  for (const file of [CLI, BARE]) {
    if (!existsSync(file))
      throw new Error(`${file} is missing: build first (npx tsc -p tsconfig.build.json)`);
  }
  if (SETTINGS.cpuProfileDir) mkdirSync(SETTINGS.cpuProfileDir, { recursive: true });

  const targets: TargetResult[] = [];
  for (const key of TARGET_KEYS) {
    if (!SETTINGS.targets.includes(key) || interrupted) continue;
    targets.push(await benchTarget(key));
  }

  const report: Report = {
    benchmark: "management-api",
    generatedAt: new Date().toISOString(),
    machine: {
      nproc: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model ?? "unknown",
      memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
      kernel: `${os.type()} ${os.release()}`,
      node: process.version,
      fastify: packageVersion("fastify"),
      autocannon: packageVersion("autocannon"),
      pg: packageVersion("pg"),
      sqlite: process.versions.sqlite ?? "unknown",
    },
    settings: SETTINGS,
    targets,
    ratios: [],
    valid: false,
  };
  report.ratios = ratios(targets);
  report.valid = targets.every((t) => !t.error && Object.values(t.runs).every((r) => r.valid));

  process.stdout.write(`${markdown(report)}\n`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
  log(`wrote ${RESULTS_FILE}`);

  if (!report.valid) {
    process.stdout.write("\n**INVALID RUN**: some requests failed or a target did not run.\n\n");
    for (const target of targets) {
      if (target.error) process.stdout.write(`- ${target.label}: ${target.error}\n`);
      for (const run of Object.values(target.runs)) {
        if (run.valid) continue;
        process.stdout.write(
          `- ${target.label} ${run.request}: non-2xx ${run.non2xx}, socket errors ${run.errors}, timeouts ${run.timeouts}, ` +
            `warm-up non-2xx ${run.warmup.non2xx} / errors ${run.warmup.errors}; status codes ${JSON.stringify(run.statusCodes)}\n`,
        );
        for (const failed of run.failedResponses)
          process.stdout.write(`    ${failed.status} ${failed.body}\n`);
      }
    }
    return 1;
  }
  return 0;
}

main()
  .then(
    (code) => code,
    (error) => {
      log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return 1;
    },
  )
  .then(async (code) => {
    await cleanUpAll();
    process.exit(interrupted ? 130 : code);
  });
