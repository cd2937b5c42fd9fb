// What the OAuth flows bench runs: targets, phases, durations and sizes from the environment.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { listFromEnv, numberFromEnv, REPO, RESULTS_DIR } from "../lib/common";

export const CLI = join(REPO, "dist", "server", "src", "cli.js");
export const OIDC_PROVIDER_TARGET = join(REPO, "bench", "oidc-provider-target.mjs");
export const RESULTS_FILE = join(RESULTS_DIR, "oauth-flows.json");
/** Registered for the client on every target; nothing listens there: the bench reads the Location. */
export const REDIRECT_URI = "http://127.0.0.1:9/cb";
export const SCOPE = "bench.read";
export const DEMO_USER = { username: "demo", password: "demo-password" };

export const TARGET_KEYS = ["oidc-provider", "sqlite", "postgres"] as const;
export type TargetKey = (typeof TARGET_KEYS)[number];
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

export const durationSeconds = numberFromEnv("BENCH_DURATION", 8, false);
export const SETTINGS = {
  durationSeconds,
  warmupSeconds: numberFromEnv("BENCH_WARMUP", Math.min(2, durationSeconds / 2), false),
  concurrency: numberFromEnv("BENCH_CONNECTIONS", 8, true),
  exchangeBatch: numberFromEnv("BENCH_EXCHANGE_BATCH", 256, true),
  targets: listFromEnv("BENCH_TARGETS", TARGET_KEYS.join(",")),
  phases: listFromEnv("BENCH_PHASES", PHASES.join(",")),
  cpuProfileDir: process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined,
  externalPostgres: Boolean(process.env.BENCH_DATABASE_URL),
};

export const TARGET_LABELS: Record<TargetKey, string> = {
  "oidc-provider": "oidc-provider",
  sqlite: "server + SQLite",
  postgres: "server + PostgreSQL",
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
