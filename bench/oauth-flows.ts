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
import { runMain } from "./lib/cleanup";
import { checkBuilt, log, packageVersion } from "./lib/common";
import { reportHeader } from "./lib/report";
import { benchSelected, checkNames, finishRun } from "./lib/targets";
import { issueTableRows } from "./oauth-flows/issue-table";
import { markdown, noisyPhases, type Report } from "./oauth-flows/report";
import { comparisons } from "./oauth-flows/report-metrics";
import { CLI, PHASES, PINNING, RESULTS_FILE, SETTINGS, TARGET_KEYS } from "./oauth-flows/settings";
import { benchTarget, type TargetResult } from "./oauth-flows/targets";

async function main(): Promise<number> {
  checkNames(SETTINGS.targets, TARGET_KEYS, "target", "BENCH_TARGETS");
  checkNames(SETTINGS.phases, PHASES, "phase", "BENCH_PHASES");
  checkBuilt(CLI);
  if (SETTINGS.targets.includes("oidc-provider") && packageVersion("oidc-provider") === "unknown") {
    throw new Error("oidc-provider is not installed: npm install (it is a dev dependency)");
  }

  // Round after round, each target on a fresh server and database; PostgreSQL in the first
  // BENCH_POSTGRES_REPEAT rounds only.
  const targets: TargetResult[] = [];
  for (let round = 1; round <= SETTINGS.repeat; round++) {
    const selected = SETTINGS.targets.filter((key) => key !== "postgres" || round <= SETTINGS.postgresRepeat);
    log(`round ${round} of ${SETTINGS.repeat}: ${selected.join(", ")}`);
    targets.push(
      ...(await benchSelected(TARGET_KEYS, { ...SETTINGS, targets: selected }, (key) =>
        benchTarget(key, round),
      )),
    );
  }

  const compared = comparisons(targets);
  const report: Report = {
    ...reportHeader("oauth-flows", {
      undici: packageVersion("undici"),
      autocannon: packageVersion("autocannon"),
      oidcProvider: packageVersion("oidc-provider"),
    }),
    settings: SETTINGS,
    pinning: PINNING,
    targets,
    comparisons: compared,
    issueTable: issueTableRows(targets, compared, SETTINGS.connections),
    noisyPhases: noisyPhases(targets),
    valid: false,
  };
  return finishRun(
    RESULTS_FILE,
    report,
    markdown,
    (target) => Object.values(target.phases),
    (target, phase) => [
      `- ${target.label} (round ${target.round}) ${phase.phase}: ${phase.failures} failure(s), ${phase.operations} operation(s)`,
      ...phase.errors.map((error) => `    ${error}`),
    ],
  );
}

runMain(main);
