// The server with a large database next to the same server with an empty one, in one run.
//
//   npx tsc -p tsconfig.build.json && node dist/bench/server-at-scale.js
//
// For each database (a fresh SQLite file; a throwaway PostgreSQL cluster, or a fresh database on
// BENCH_DATABASE_URL's server), the real server (`serve`, pruning off) answers four requests, each
// warmed up and measured: GET one integration, a list page, a refresh grant (rotating), an
// introspection; first with the fixtures only ("empty"), then, after the bench grew the database
// (stopped server) to BENCH_SCALE_INTEGRATIONS integrations and BENCH_SCALE_TOKENS issued tokens
// ("full"). It prints each figure empty vs full against the 1.2× goal, the seeding, and the
// database's size per million tokens. Exit code 1 when a request failed or a target did not run.
//
// Environment: BENCH_DURATION (seconds per measured run, default 5), BENCH_WARMUP (2),
// BENCH_CONNECTIONS (10), BENCH_TARGETS ("sqlite,postgres"), BENCH_SCALE_INTEGRATIONS (100000),
// BENCH_SCALE_TOKENS (1000000), BENCH_SCALE_USERS (1000), BENCH_LIST_LIMIT (50), BENCH_PIN
// (auto/off), BENCH_DATABASE_URL, BENCH_CPU_PROF (a folder for the servers' CPU profiles, one per
// state: server-<db>-empty.cpuprofile, server-<db>-full.cpuprofile).

import { runMain } from "./lib/cleanup";
import { checkBuilt, packageVersion } from "./lib/common";
import { cpuPinning } from "./lib/pinning";
import { reportHeader } from "./lib/report";
import { benchSelected, checkNames, finishRun } from "./lib/targets";
import { goals } from "./server-at-scale/goals";
import { markdown, type Report, slowdowns } from "./server-at-scale/report";
import { benchTarget } from "./server-at-scale/scenario";
import { CLI, RESULTS_FILE, SETTINGS, TARGET_KEYS } from "./server-at-scale/settings";

async function main(): Promise<number> {
  checkNames(SETTINGS.targets, TARGET_KEYS, "target", "BENCH_TARGETS");
  checkBuilt(CLI);
  const pinning = cpuPinning();
  const targets = await benchSelected(TARGET_KEYS, SETTINGS, benchTarget(pinning));
  const report: Report = {
    ...reportHeader("server-at-scale", {
      pg: packageVersion("pg"),
      sqlite: process.versions.sqlite ?? "unknown",
      autocannon: packageVersion("autocannon"),
    }),
    settings: { ...SETTINGS, pinning: pinning.description },
    targets,
    slowdowns: slowdowns(targets),
    goals: [],
    valid: false,
  };
  report.goals = goals(targets, report.slowdowns, SETTINGS);
  return finishRun(
    RESULTS_FILE,
    report,
    markdown,
    (target) => target.runs,
    (target, run) => [
      `- ${target.label} ${run.state} ${run.workload} (round ${run.round}): ${run.errors.join("; ") || "no operation completed"}`,
    ],
  );
}

runMain(main);
