// OAuth flows of our authorization server next to panva's oidc-provider, in one run.
//
//   npx tsc -p tsconfig.build.json && node dist/bench/oauth-flows.js
//
// Targets, each its own child process on 127.0.0.1 (the load generator runs in this process):
//   oidc-provider  bench/oidc-provider-target.mjs: oidc-provider v9, in-memory adapter, dev login
//                  and consent pages, ES256, PKCE required, JWT access tokens, rotating refresh
//   sqlite         our server (`serve --dev`) on a fresh SQLite file (WAL, synchronous=FULL)
//   postgres       our server on PostgreSQL: a throwaway cluster (fsync on), or a fresh database on
//                  BENCH_DATABASE_URL's server
// Phases per target (BENCH_DURATION seconds each, after a BENCH_WARMUP warm-up):
//   flow               authorize → consent → code → token, PKCE S256, with an established login
//                      session; concurrent workers (undici), each with its own cookie jar
//   exchange           code exchanges alone: codes are minted in batches, then exchanged
//   refresh            refresh grants, each worker spending the refresh token it got last
//   introspect         introspection of a refresh token (autocannon)
//   introspect-access  introspection of a JWT access token (ours only: oidc-provider refuses JWTs)
//   jwks               the JWKS document (autocannon)
//   login              from a fresh cookie jar to the consent page: login page, password, resume
// Any failed request (an unexpected status, a socket error, a timeout, a wrong answer) makes the
// run invalid and the exit code 1.
//
// Environment: BENCH_DURATION (seconds per phase, default 8; 3 for a quick run), BENCH_WARMUP
// (seconds, default min(2, BENCH_DURATION / 2)), BENCH_CONNECTIONS (concurrent workers and
// autocannon connections, default 8), BENCH_EXCHANGE_BATCH (codes minted per exchange batch,
// default 256), BENCH_TARGETS (default "oidc-provider,sqlite,postgres"), BENCH_PHASES (default
// all), BENCH_DATABASE_URL (use this PostgreSQL server), BENCH_CPU_PROF (a folder: run the servers
// with --cpu-prof; summarise the profiles with dist/bench/cpu-profile-top.js).
//
// The pieces are in bench/oauth-flows/: settings, protocol and the two drivers, phases, targets,
// report-metrics and report (bench/README.md, "Where the code is").
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { isInterrupted, runMain } from "./lib/cleanup";
import { log, machineInfo, packageVersion, RESULTS_DIR } from "./lib/common";
import { markdown, noisyPhases, type Report } from "./oauth-flows/report";
import { comparisons } from "./oauth-flows/report-metrics";
import {
  CLI,
  PHASES,
  type Phase,
  RESULTS_FILE,
  SETTINGS,
  TARGET_KEYS,
  type TargetKey,
} from "./oauth-flows/settings";
import { benchTarget, type TargetResult } from "./oauth-flows/targets";

async function main(): Promise<number> {
  for (const key of SETTINGS.targets) {
    if (!TARGET_KEYS.includes(key as TargetKey)) throw new Error(`unknown target "${key}" in BENCH_TARGETS`);
  }
  for (const phase of SETTINGS.phases) {
    if (!PHASES.includes(phase as Phase)) throw new Error(`unknown phase "${phase}" in BENCH_PHASES`);
  }
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsc -p tsconfig.build.json)`);
  if (SETTINGS.targets.includes("oidc-provider") && packageVersion("oidc-provider") === "unknown") {
    throw new Error("oidc-provider is not installed: npm install (it is a dev dependency)");
  }
  if (SETTINGS.cpuProfileDir) mkdirSync(SETTINGS.cpuProfileDir, { recursive: true });

  const targets: TargetResult[] = [];
  for (const key of TARGET_KEYS) {
    if (!SETTINGS.targets.includes(key) || isInterrupted()) continue;
    targets.push(await benchTarget(key));
  }

  const report: Report = {
    benchmark: "oauth-flows",
    generatedAt: new Date().toISOString(),
    machine: {
      ...machineInfo(),
      undici: packageVersion("undici"),
      autocannon: packageVersion("autocannon"),
      oidcProvider: packageVersion("oidc-provider"),
    },
    settings: SETTINGS,
    targets,
    comparisons: comparisons(targets),
    noisyPhases: noisyPhases(targets),
    valid: false,
  };
  report.valid = targets.every((t) => !t.error && Object.values(t.phases).every((p) => p.valid));

  process.stdout.write(`${markdown(report)}\n`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
  log(`wrote ${RESULTS_FILE}`);

  if (!report.valid) {
    process.stdout.write("\n**INVALID RUN**: some requests failed or a target did not run.\n\n");
    for (const target of targets) {
      if (target.error) process.stdout.write(`- ${target.label}: ${target.error}\n`);
      for (const phase of Object.values(target.phases)) {
        if (phase.valid) continue;
        process.stdout.write(
          `- ${target.label} ${phase.phase}: ${phase.failures} failure(s), ${phase.operations} operation(s)\n`,
        );
        for (const error of phase.errors) process.stdout.write(`    ${error}\n`);
      }
    }
    return 1;
  }
  return 0;
}

runMain(main);
