// The engine bench's settings: the environment, the goal, the phases and the two stacks (sides).
import { join } from "node:path";
import { numberFromEnv, REPO, RESULTS_DIR } from "../lib/common";

export const RESULTS_FILE = join(RESULTS_DIR, "pulumi-engine.json");
/** The stacks' folders: inside the repository, so that the programs' packages resolve from its node_modules. */
export const WORK_DIR = join(REPO, "test-output", "bench", "pulumi-engine");

export const SETTINGS = {
  count: numberFromEnv("BENCH_COUNT", 100, true),
  rounds: numberFromEnv("BENCH_ROUNDS", 3, true),
  parallel: process.env.BENCH_PARALLEL ? numberFromEnv("BENCH_PARALLEL", 8, true) : undefined,
};

/** The goal: each phase on the integrations within this many times the no-op run's. */
export const GOAL = 1.3;

export const PHASES = ["up", "refresh", "destroy"] as const;
export type Phase = (typeof PHASES)[number];

export const SIDES = {
  integrations: {
    label: "integrations (this provider)",
    program: "bench/programs/inbound-oauth-integrations.ts",
    projectName: "bench-engine-integrations",
  },
  noop: {
    label: "no-op dynamic provider",
    program: "bench/programs/noop-resources.ts",
    projectName: "bench-engine-noop",
  },
} as const;
export type Side = keyof typeof SIDES;
