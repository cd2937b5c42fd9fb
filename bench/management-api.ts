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

import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { isInterrupted, runMain } from "./lib/cleanup";
import { log, machineInfo, packageVersion, RESULTS_DIR } from "./lib/common";
import { markdown, type Report, ratios } from "./management-api/report";
import { BARE, CLI, RESULTS_FILE, SETTINGS, TARGET_KEYS, type TargetKey } from "./management-api/settings";
import { benchTarget, type TargetResult } from "./management-api/targets";

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
