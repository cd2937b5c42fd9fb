import { fieldErrors } from "../../server/src/contract";
import type { ProviderResource } from "./resources";
import { containsUnknown } from "./unknowns";

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface CheckResult {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
}

/**
 * Validates a resource's inputs with the shared contract, fills the documented defaults, and
 * returns every failure with its property path and a reason a person can act on. No network.
 * Inputs not known yet (previews) are left as they are and checked once they are known.
 */
export function check(kind: ProviderResource, news: Record<string, unknown>): CheckResult {
  const failures: CheckFailure[] = [];
  const { adopt, ...inputs } = news;
  if (adopt !== undefined && typeof adopt !== "boolean" && !containsUnknown(adopt)) {
    failures.push({ property: "adopt", reason: "must be true or false" });
  }
  const unknown = Object.keys(inputs).filter((key) => containsUnknown(inputs[key]));
  const known = Object.fromEntries(Object.entries(inputs).filter(([key]) => !unknown.includes(key)));
  // zod types omit()'s mask by literal keys; these keys are only known at run time.
  const mask = Object.fromEntries(unknown.map((key) => [key, true])) as Parameters<
    typeof kind.fields.omit
  >[0];
  const schema = unknown.length === 0 ? kind.input : kind.fields.omit(mask);
  const parsed = schema.safeParse(known);
  if (!parsed.success) {
    for (const error of fieldErrors(parsed.error))
      failures.push({ property: error.path, reason: error.message });
    return { inputs: news, failures };
  }
  const filled: Record<string, unknown> = { ...(parsed.data as Record<string, unknown>) };
  for (const key of unknown) filled[key] = inputs[key];
  if (adopt !== undefined) filled.adopt = adopt;
  return { inputs: filled, failures };
}
