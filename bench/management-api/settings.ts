// The management API bench's settings from the environment, and the goal.
import { join, resolve } from "node:path";
import { listFromEnv, numberFromEnv, RESULTS_DIR, SERVER_CLI } from "../lib/common";

export const CLI = SERVER_CLI;
export const BARE = join(__dirname, "..", "bare-fastify.js");
export const RESULTS_FILE = join(RESULTS_DIR, "management-api.json");

export const SETTINGS = {
  durationSeconds: numberFromEnv("BENCH_DURATION", 10, false),
  warmupSeconds: numberFromEnv("BENCH_WARMUP", 2, false),
  connections: numberFromEnv("BENCH_CONNECTIONS", 10, true),
  pipelining: 1,
  targets: listFromEnv("BENCH_TARGETS", "bare,sqlite,postgres"),
  workloads: listFromEnv("BENCH_WORKLOADS", "get,create"),
  cpuProfileDir: process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined,
  externalPostgres: Boolean(process.env.BENCH_DATABASE_URL),
};

export const TARGET_KEYS = ["bare", "sqlite", "postgres"] as const;
export type TargetKey = (typeof TARGET_KEYS)[number];
export type Workload = "get" | "create";
