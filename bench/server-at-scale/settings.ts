// The server-at-scale bench's settings from the environment, and its goal.
import { join, resolve } from "node:path";
import { listFromEnv, numberFromEnv, RESULTS_DIR, SERVER_CLI } from "../lib/common";

export const CLI = SERVER_CLI;
export const RESULTS_FILE = join(RESULTS_DIR, "server-at-scale.json");

/** Issue 13: each figure of the full database within this factor of the empty one's. */
export const GOAL_RATIO = 1.2;

export const SETTINGS = {
  durationSeconds: numberFromEnv("BENCH_DURATION", 5, false),
  warmupSeconds: numberFromEnv("BENCH_WARMUP", 2, false),
  connections: numberFromEnv("BENCH_CONNECTIONS", 10, true),
  /** Rounds: each measures every request on both servers, empty and full, the order flipping. */
  repeat: numberFromEnv("BENCH_REPEAT", 2, true),
  targets: listFromEnv("BENCH_TARGETS", "sqlite,postgres"),
  /** Integrations and issued tokens (rows of oauth_tokens) the full database holds. */
  integrations: numberFromEnv("BENCH_SCALE_INTEGRATIONS", 100_000, true),
  tokens: numberFromEnv("BENCH_SCALE_TOKENS", 1_000_000, true),
  /** The users the seeded grants belong to. */
  users: numberFromEnv("BENCH_SCALE_USERS", 1_000, true),
  /** Integrations deleted (one after the other) per round and server: the delete workload. */
  deletes: numberFromEnv("BENCH_DELETES", 10, true),
  /** The list page's size: the empty database holds one page of integrations, made through the API. */
  listLimit: numberFromEnv("BENCH_LIST_LIMIT", 50, true),
  cpuProfileDir: process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined,
};

export const TARGET_KEYS = ["sqlite", "postgres"] as const;
export type TargetKey = (typeof TARGET_KEYS)[number];

/** The four requests, then a delete (not one of the issue's, judged by the same yardstick). */
export const WORKLOADS = ["get", "list", "refresh", "introspect", "delete"] as const;
export type Workload = (typeof WORKLOADS)[number];
export const WORKLOAD_LABELS: Record<Workload, string> = {
  get: "GET one integration",
  list: "list page",
  refresh: "refresh grant (rotating)",
  introspect: "introspection",
  delete: "delete an integration (1 at a time)",
};
