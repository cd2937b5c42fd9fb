// OAuth flows of our authorization server next to panva's oidc-provider, in one run, configured as
// issue 13's independent measurement: both servers on this Node (process.execPath), the server
// pinned to CPU 0 and the load generator (this process) to CPU 1 with taskset, BENCH_REPEAT rounds,
// a fresh SQLite file, one confidential client with client_secret_basic, ES256 JWT access tokens,
// refresh tokens rotated on every use by both. The report starts with the issue's table.
//
//   npx tsc -p tsconfig.build.json && node dist/bench/oauth-flows.js
//
// Targets, each its own child process on 127.0.0.1 (the load generator runs in this process):
//   oidc-provider  bench/oidc-provider-target.mjs: oidc-provider v9, in-memory adapter, dev login
//                  and consent pages, ES256, PKCE required, JWT access tokens, rotating refresh
//   sqlite         our server (`serve`) on a fresh SQLite file (WAL, synchronous=FULL), with one
//                  user per login worker made through the management API
//   postgres       our server on PostgreSQL: a throwaway cluster (fsync on, not pinned, with
//                  pg_stat_statements to count the server's statements per operation), or a fresh
//                  database on BENCH_DATABASE_URL's server; in the first BENCH_POSTGRES_REPEAT rounds
//   postgres-2     two instances of our server on one such database (same --issuer, not pinned),
//                  each operation sent to the next instance in turn; as many rounds as postgres
// Phases per target (BENCH_DURATION seconds each, after a BENCH_WARMUP warm-up; default load):
//   flow               authorize → consent → code → token, PKCE S256, with an established login
//                      session; 8 concurrent workers (undici), each with its own cookie jar
//   exchange           code exchanges alone: codes are minted in batches, then exchanged (8)
//   refresh            refresh grants, each worker spending the refresh token it got last (10)
//   introspect         introspection of a refresh token (autocannon, 10)
//   introspect-access  introspection of a JWT access token (ours only: oidc-provider refuses JWTs)
//   jwks               the JWKS document (autocannon, 10)
//   login              from a fresh cookie jar to the consent page, each worker as its own user:
//                      login page, password, resume (8); bounded by the password hash by design
// Rates are operations per second over the measured window. Each figure is reported as the range
// over the rounds, each ratio as the range of the rounds' own ratios (ours ÷ oidc-provider's).
// Any failed request (an unexpected status, a socket error, a timeout, a wrong answer) makes the
// run invalid and the exit code 1.
//
// Environment: BENCH_DURATION (seconds per phase, default 8; 3 for a quick run), BENCH_WARMUP
// (seconds, default min(2, BENCH_DURATION / 2)), BENCH_REPEAT (rounds, default 2),
// BENCH_POSTGRES_REPEAT (rounds with PostgreSQL, default 1), BENCH_CONNECTIONS (every phase's
// workers or autocannon connections) and BENCH_CONNECTIONS_<PHASE> (one phase's, e.g.
// BENCH_CONNECTIONS_REFRESH), BENCH_PIN (auto: pin when taskset is there; off),
// BENCH_EXCHANGE_BATCH (codes minted per exchange batch, default 256), BENCH_TARGETS (default
// "oidc-provider,sqlite,postgres,postgres-2"), BENCH_PHASES (default all), BENCH_DATABASE_URL (use this
// PostgreSQL server), BENCH_CPU_PROF (a folder: run the servers with --cpu-prof; summarise the
// profiles with dist/bench/cpu-profile-top.js).
//
// The pieces are in bench/oauth-flows/: settings, protocol and the two drivers, phases, targets,
// report-metrics, issue-table and report (bench/README.md, "Where the code is").
import { runMain } from "./lib/cleanup";
import { checkBuilt, log, packageVersion } from "./lib/common";
import { reportHeader } from "./lib/report";
import { benchSelected, checkNames, finishRun } from "./lib/targets";
import { issueGoals, issueTableRows } from "./oauth-flows/issue-table";
import { markdown, noisyPhases, type Report } from "./oauth-flows/report";
import { comparisons } from "./oauth-flows/report-metrics";
import {
  CLI,
  isPostgres,
  PHASES,
  PINNING,
  RESULTS_FILE,
  SETTINGS,
  TARGET_KEYS,
} from "./oauth-flows/settings";
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
    const selected = SETTINGS.targets.filter((key) => !isPostgres(key) || round <= SETTINGS.postgresRepeat);
    log(`round ${round} of ${SETTINGS.repeat}: ${selected.join(", ")}`);
    targets.push(
      ...(await benchSelected(TARGET_KEYS, { ...SETTINGS, targets: selected }, (key) =>
        benchTarget(key, round),
      )),
    );
  }

  const compared = comparisons(targets);
  const issueTable = issueTableRows(targets, compared, SETTINGS.connections);
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
    issueTable,
    goals: issueGoals(issueTable, compared, targets),
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
