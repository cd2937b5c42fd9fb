// The management API bench's settings from the environment, and the goal.
import { join, resolve } from "node:path";
import { listFromEnv, numberFromEnv, RESULTS_DIR, SERVER_CLI } from "../lib/common";

export const CLI = SERVER_CLI;
export const BARE = join(__dirname, "..", "bare-fastify.js");
export const RESULTS_FILE = join(RESULTS_DIR, "management-api.json");

/**
 * The targets. The -nofsync ones run the create workload on a database whose commits wait for no
 * disk, the server unchanged: SQLite on a tmpfs (fsync returns at once), PostgreSQL with fsync=off
 * and synchronous_commit=off (a throwaway cluster only: not in the default list with
 * BENCH_DATABASE_URL).
 */
export const TARGET_KEYS = ["bare", "sqlite", "sqlite-nofsync", "postgres", "postgres-nofsync"] as const;
export type TargetKey = (typeof TARGET_KEYS)[number];
export type ServerKey = Exclude<TargetKey, "bare">;
export type Workload = "get" | "create";
/** The targets whose commits skip fsync; each is the same database as its key without the suffix. */
export const WITHOUT_FSYNC: Partial<Record<ServerKey, "sqlite" | "postgres">> = {
  "sqlite-nofsync": "sqlite",
  "postgres-nofsync": "postgres",
};
const DEFAULT_TARGETS = TARGET_KEYS.filter(
  (key) => !(process.env.BENCH_DATABASE_URL && key === "postgres-nofsync"),
).join(",");

export const SETTINGS = {
  durationSeconds: numberFromEnv("BENCH_DURATION", 10, false),
  warmupSeconds: numberFromEnv("BENCH_WARMUP", 2, false),
  connections: numberFromEnv("BENCH_CONNECTIONS", 10, true),
  pipelining: 1,
  targets: listFromEnv("BENCH_TARGETS", DEFAULT_TARGETS),
  workloads: listFromEnv("BENCH_WORKLOADS", "get,create"),
  cpuProfileDir: process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined,
  externalPostgres: Boolean(process.env.BENCH_DATABASE_URL),
};
