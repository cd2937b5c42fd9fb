// The engine bench's settings: the environment, the goals, the phases, the sizes and the three stacks (sides).
import { join } from "node:path";
import { listFromEnv, numberFromEnv, REPO, RESULTS_DIR } from "../lib/common";

export const RESULTS_FILE = join(RESULTS_DIR, "pulumi-engine.json");
/**
 * The stacks' folders: inside the repository, so that the linked and no-op programs' packages resolve
 * from its node_modules (the packed install has a node_modules of its own there, see packed-install.ts).
 */
export const WORK_DIR = join(REPO, "test-output", "bench", "pulumi-engine");

/** Resources per stack, one set of rounds each. */
const SIZES = listFromEnv("BENCH_ENGINE_SIZES", "10,100,1000").map((text) => {
  const size = Number(text);
  if (!Number.isInteger(size) || size < 1) throw new Error(`BENCH_ENGINE_SIZES: ${text} is not a count`);
  return size;
});

const ROUNDS = numberFromEnv("BENCH_ROUNDS", 3, true);

export const SETTINGS = {
  sizes: [...new Set(SIZES)].sort((a, b) => a - b),
  rounds: ROUNDS,
  parallel: process.env.BENCH_PARALLEL ? numberFromEnv("BENCH_PARALLEL", 8, true) : undefined,
};

/**
 * Rounds at a size: BENCH_ROUNDS up to 100 resources, fewer above (⌈BENCH_ROUNDS × 100 ÷ size⌉), so
 * that every size costs about the same time: one round of 1,000 takes as long as several of 100.
 */
export function roundsAt(size: number): number {
  return size <= 100 ? ROUNDS : Math.max(1, Math.ceil((ROUNDS * 100) / size));
}

/** The goal: up, refresh and destroy of the integrations within this many times the no-op run's. */
export const GOAL = 1.3;
/** The phases the goal judges (preview is reported beside them). */
export const JUDGED_PHASES: readonly Phase[] = ["up", "refresh", "destroy"];
/** The goal for the cost as the work grows: the time per resource at 1,000 within this many times that at 100. */
export const FLATNESS_GOAL = 1.2;
export const FLATNESS_FROM = 100;
export const FLATNESS_TO = 1000;

/** In the order each round runs them: preview runs on the deployed stack (no change), as a CI job's. */
export const PHASES = ["up", "preview", "refresh", "destroy"] as const;
export type Phase = (typeof PHASES)[number];

export const SIDES = {
  noop: {
    label: "no-op dynamic provider",
    program: "bench/programs/noop-resources.ts",
    projectName: "bench-engine-noop",
  },
  linked: {
    label: "integrations, the SDK linked (the repository's node_modules/@inbound-oauth/pulumi -> ../../sdk)",
    program: "bench/programs/inbound-oauth-integrations.ts",
    projectName: "bench-engine-linked",
  },
  packed: {
    label: "integrations, the SDK installed from its `npm pack` tarball into the program's node_modules",
    program: "bench/programs/inbound-oauth-integrations.ts",
    projectName: "bench-engine-packed",
  },
} as const;
export type Side = keyof typeof SIDES;
/** The sides that run this provider. */
export const INTEGRATION_SIDES = ["linked", "packed"] as const satisfies readonly Side[];
