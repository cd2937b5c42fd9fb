// What the OAuth flows bench runs: targets, phases, durations and sizes from the environment.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { listFromEnv, numberFromEnv, REPO, RESULTS_DIR, SERVER_CLI } from "../lib/common";
import { cpuPinning } from "../lib/pinning";

export const CLI = SERVER_CLI;
export const OIDC_PROVIDER_TARGET = join(REPO, "bench", "oidc-provider-target.mjs");
export const RESULTS_FILE = join(RESULTS_DIR, "oauth-flows.json");
/** Registered for the client on every target; nothing listens there: the bench reads the Location. */
export const REDIRECT_URI = "http://127.0.0.1:9/cb";
export const SCOPE = "bench.read";
/**
 * The users the bench signs in as: one per login worker. Our login page limits sign-in attempts per
 * user name (5 in 15 minutes, reserved before the password is hashed and given back on success),
 * so of 8 concurrent sign-ins of one user the sixth is refused with 429 while five are in flight,
 * though none fails. Each worker signs in as its own user instead, as 8 people would; the limits
 * stay as they are. oidc-provider's development pages accept any name.
 */
export const BENCH_PASSWORD = "bench-password-for-logins";
export function benchUser(index: number): { username: string; password: string } {
  return { username: `bench-user-${index}`, password: BENCH_PASSWORD };
}

export const TARGET_KEYS = ["oidc-provider", "sqlite", "postgres", "postgres-2"] as const;
export type TargetKey = (typeof TARGET_KEYS)[number];
/** The targets on PostgreSQL: they run in the first BENCH_POSTGRES_REPEAT rounds. */
export type PostgresKey = Extract<TargetKey, `postgres${string}`>;
export const isPostgres = (key: string): key is PostgresKey => key.startsWith("postgres");
/** Server processes per target: postgres-2 runs two instances of our server on one database. */
export const INSTANCES: Record<Exclude<TargetKey, "oidc-provider">, number> = {
  sqlite: 1,
  postgres: 1,
  "postgres-2": 2,
};
export const PHASES = [
  "flow",
  "exchange",
  "refresh",
  "introspect",
  "introspect-access",
  "jwks",
  "login",
] as const;
export type Phase = (typeof PHASES)[number];

/**
 * Concurrent workers (undici) or autocannon connections per phase, as the measurement ran
 * them: flows 8 concurrent, refresh grants 10 connections; introspection and JWKS 10 (autocannon's
 * default). BENCH_CONNECTIONS sets every phase, BENCH_CONNECTIONS_<PHASE> (e.g.
 * BENCH_CONNECTIONS_REFRESH, BENCH_CONNECTIONS_INTROSPECT_ACCESS) one.
 */
const DEFAULT_CONNECTIONS: Record<Phase, number> = {
  flow: 8,
  exchange: 8,
  refresh: 10,
  introspect: 10,
  "introspect-access": 10,
  jwks: 10,
  login: 8,
};

function connectionsOf(phase: Phase): number {
  const all = numberFromEnv("BENCH_CONNECTIONS", DEFAULT_CONNECTIONS[phase], true);
  return numberFromEnv(`BENCH_CONNECTIONS_${phase.toUpperCase().replace(/-/g, "_")}`, all, true);
}

const connections = Object.fromEntries(PHASES.map((phase) => [phase, connectionsOf(phase)])) as Record<
  Phase,
  number
>;

export const durationSeconds = numberFromEnv("BENCH_DURATION", 8, false);
export const SETTINGS = {
  durationSeconds,
  warmupSeconds: numberFromEnv("BENCH_WARMUP", Math.min(2, durationSeconds / 2), false),
  /** The most connections of any phase: the size of the HTTP client's pool. */
  concurrency: Math.max(...Object.values(connections)),
  connections,
  /** Rounds: every target runs once per round, on a fresh server and database. */
  repeat: numberFromEnv("BENCH_REPEAT", 2, true),
  /** Rounds that run the PostgreSQL target (the first ones): one, as in the table. */
  postgresRepeat: numberFromEnv("BENCH_POSTGRES_REPEAT", 1, true),
  exchangeBatch: numberFromEnv("BENCH_EXCHANGE_BATCH", 256, true),
  targets: listFromEnv("BENCH_TARGETS", TARGET_KEYS.join(",")),
  phases: listFromEnv("BENCH_PHASES", PHASES.join(",")),
  cpuProfileDir: process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined,
  externalPostgres: Boolean(process.env.BENCH_DATABASE_URL),
  /**
   * Count the server's PostgreSQL statements per phase (pg_stat_statements, loaded in the throwaway
   * cluster); BENCH_STATEMENT_COUNTS=off starts the cluster without it, to see what it costs.
   */
  statementCounts: process.env.BENCH_STATEMENT_COUNTS !== "off",
};

/** Where the servers and the load generator run (BENCH_PIN): server on CPU 0, bench on CPU 1. */
export const PINNING = cpuPinning();

/** The users the bench makes and signs in as: one per flow, refresh and login worker. */
export const USER_COUNT = Math.max(connections.flow, connections.refresh, connections.login);

export const TARGET_LABELS: Record<TargetKey, string> = {
  "oidc-provider": "oidc-provider",
  sqlite: "server + SQLite",
  postgres: "server + PostgreSQL",
  "postgres-2": "2 servers + PostgreSQL",
};

export const PHASE_LABELS: Record<Phase, string> = {
  flow: "flow (authorize → consent → code → token)",
  exchange: "code exchange",
  refresh: "refresh grant (rotating)",
  introspect: "introspection (refresh token)",
  "introspect-access": "introspection (JWT access token)",
  jwks: "JWKS",
  login: "login (fresh browser → consent page)",
};

export function ownVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

export function wanted(phase: Phase): boolean {
  return SETTINGS.phases.includes(phase);
}
