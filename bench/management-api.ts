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
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join, resolve } from "node:path";
import { isInterrupted, onCleanup, runMain } from "./lib/cleanup";
import {
  listFromEnv,
  log,
  machineInfo,
  messageOf,
  mib,
  numberFromEnv,
  packageVersion,
  REPO,
  RESULTS_DIR,
  round,
  table,
} from "./lib/common";
import { withBenchDatabase } from "./lib/database-target";
import { autocannonLoad, type LoadSpec, loadIsValid } from "./lib/load";
import { postgresCpuSeconds } from "./lib/postgres";
import { cpuPercentOfCore, startCpuWindow } from "./lib/procfs";
import { type ServerProcess, startServer } from "./lib/server-process";

// ---------------------------------------------------------------------------------------------
// Settings

const CLI = join(REPO, "dist", "server", "src", "cli.js");
const BARE = join(__dirname, "bare-fastify.js");
const RESULTS_FILE = join(RESULTS_DIR, "management-api.json");

const SETTINGS = {
  durationSeconds: numberFromEnv("BENCH_DURATION", 10, false),
  warmupSeconds: numberFromEnv("BENCH_WARMUP", 2, false),
  connections: numberFromEnv("BENCH_CONNECTIONS", 10, true),
  pipelining: 1,
  targets: listFromEnv("BENCH_TARGETS", "bare,sqlite,postgres"),
  workloads: listFromEnv("BENCH_WORKLOADS", "get,create"),
  cpuProfileDir: process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined,
  externalPostgres: Boolean(process.env.BENCH_DATABASE_URL),
};

const TARGET_KEYS = ["bare", "sqlite", "postgres"] as const;
type TargetKey = (typeof TARGET_KEYS)[number];
type Workload = "get" | "create";

// ---------------------------------------------------------------------------------------------
// Load

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

function load(url: string, spec: LoadSpec, seconds: number) {
  return autocannonLoad(url, spec, {
    connections: SETTINGS.connections,
    pipelining: SETTINGS.pipelining,
    seconds,
  });
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

  const cpuWindow = startCpuWindow(server.pid, target === "postgres" ? postgresCpuSeconds : undefined);
  const measured = await load(server.url, spec, SETTINGS.durationSeconds);
  const { result, failed } = measured;
  const cpu = cpuPercentOfCore(cpuWindow(), os.availableParallelism());

  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {}))
    statusCodes[code] = Number(count);
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
    cpu,
    valid: loadIsValid(measured) && loadIsValid(warm),
    warmup: {
      requestsTotal: warm.result.requests.total,
      non2xx: warm.result.non2xx,
      errors: warm.result.errors + warm.result.timeouts,
      valid: loadIsValid(warm),
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
  const server = await startServer("bare-fastify", BARE, [], "/bare", {
    cpuProfileDir: SETTINGS.cpuProfileDir,
  });
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
    { cpuProfileDir: SETTINGS.cpuProfileDir },
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
    } else {
      await withBenchDatabase(
        key === "sqlite" ? "sqlite" : "postgres",
        (info) => {
          result.database = info;
        },
        (location) => benchRealServer(key === "sqlite" ? "sqlite" : "postgres", location, result),
      );
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
    if (!SETTINGS.targets.includes(key) || isInterrupted()) continue;
    targets.push(await benchTarget(key));
  }

  const report: Report = {
    benchmark: "management-api",
    generatedAt: new Date().toISOString(),
    machine: {
      ...machineInfo(),
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

runMain(main);
