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
//   sqlite-nofsync, postgres-nofsync  the same server on a database whose commits wait for no
//             disk (a SQLite file on /dev/shm; a throwaway cluster with fsync=off,
//             synchronous_commit=off): creates only, for the share of fsync in a create
// Workloads: GET one integration (with its bearer token) and create an integration (unique name
// per request). Each is warmed up, then measured; any non-2xx response or socket error makes
// the run invalid and the exit code 1.
//
// Environment: BENCH_DURATION (seconds per measured run, default 10), BENCH_WARMUP (seconds,
// default 2), BENCH_CONNECTIONS (default 10), BENCH_TARGETS (e.g. "bare,sqlite"; default all, but
// postgres-nofsync with BENCH_DATABASE_URL),
// BENCH_WORKLOADS ("get", "create" or both, the default; for profiling one of them),
// BENCH_DATABASE_URL (use this PostgreSQL server), BENCH_CPU_PROF (a folder: run the servers with
// --cpu-prof and write their profiles there; summarise them with dist/bench/cpu-profile-top.js).

import { runMain } from "./lib/cleanup";
import { checkBuilt, packageVersion } from "./lib/common";
import { reportHeader } from "./lib/report";
import { benchSelected, checkNames, finishRun } from "./lib/targets";
import { fsyncFigures, goals, markdown, type Report, ratios } from "./management-api/report";
import { BARE, CLI, RESULTS_FILE, SETTINGS, TARGET_KEYS } from "./management-api/settings";
import { benchTarget } from "./management-api/targets";

async function main(): Promise<number> {
  checkNames(SETTINGS.targets, TARGET_KEYS, "target", "BENCH_TARGETS");
  checkNames(SETTINGS.workloads, ["get", "create"], "workload", "BENCH_WORKLOADS");
  checkBuilt(CLI, BARE);

  const targets = await benchSelected(TARGET_KEYS, SETTINGS, benchTarget);

  const report: Report = {
    ...reportHeader("management-api", {
      fastify: packageVersion("fastify"),
      autocannon: packageVersion("autocannon"),
      pg: packageVersion("pg"),
      sqlite: process.versions.sqlite ?? "unknown",
    }),
    settings: SETTINGS,
    targets,
    ratios: ratios(targets),
    fsync: fsyncFigures(targets),
    goals: [],
    valid: false,
  };
  report.goals = goals(report.ratios, report.fsync);
  return finishRun(
    RESULTS_FILE,
    report,
    markdown,
    (target) => Object.values(target.runs),
    (target, run) => [
      `- ${target.label} ${run.request}: non-2xx ${run.non2xx}, socket errors ${run.errors}, timeouts ${run.timeouts}, ` +
        `warm-up non-2xx ${run.warmup.non2xx} / errors ${run.warmup.errors}; status codes ${JSON.stringify(run.statusCodes)}`,
      ...run.failedResponses.map((failed) => `    ${failed.status} ${failed.body}`),
    ],
  );
}

runMain(main);
