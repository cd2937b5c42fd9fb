// The provider bench's settings: the environment, the goal and valid inputs of each kind.
import { join } from "node:path";
import { RESOURCES_BY_CLASS, type ResourceClassName } from "../../provider/src/dynamic";
import { numberFromEnv, RESULTS_DIR } from "../lib/common";

export const RESULTS_FILE = join(RESULTS_DIR, "provider-overhead.json");

export const SETTINGS = {
  operations: numberFromEnv("BENCH_OPS", 300, true),
  warmupOperations: numberFromEnv("BENCH_WARMUP_OPS", 20, true),
};

/** The goal: a provider read costs less than this many bare GETs of the same record. */
export const READ_GOAL = 1.5;

export const KIND_NAMES = Object.keys(RESOURCES_BY_CLASS) as ResourceClassName[];

/** Valid inputs of each kind with a given name (an ApiAccessPolicy refers to a built-in REST API). */
export const INPUTS: Record<ResourceClassName, (name: string) => Record<string, unknown>> = {
  AuthorizationCodeGrant: (name) => ({
    name,
    providerName: "Acme",
    redirectUrls: ["https://app.example.com/cb"],
  }),
  AuthScope: (name) => ({ name, description: "Read access for the provider benchmark" }),
  ApiAccessPolicy: (name) => ({ name, restApis: ["Table API"] }),
};
