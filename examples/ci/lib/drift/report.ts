// The drift report (drift-report.json as it is): each drifted resource of an engine output, the
// counts, and the token the check ran as.
import { parseUrn } from "../engine.ts";
import type { EngineOutput, TokenIdentity } from "./engine-output.ts";
import { type DriftedProperty, driftedProperties } from "./properties.ts";

/** The engine's exit code when --expect-no-changes finds changes. */
export const DRIFT_EXIT_CODE = 7;

export interface DriftedResource {
  urn: string;
  /** The type token, e.g. pulumi-nodejs:dynamic/inbound-oauth:AuthorizationCodeGrant. */
  type: string;
  name: string;
  id?: string;
  /** changed: the record differs from the state; deleted: the record is gone (deleted out of band). */
  drift: "changed" | "deleted";
  properties: DriftedProperty[];
}

export interface DriftReport {
  project: string;
  stack: string;
  checkedAt: string;
  command: string;
  exitCode: number;
  status: "no-drift" | "drift";
  resources: DriftedResource[];
  unchanged: number;
  /** The token the check ran as, as the server named it; null when no call was made (no resources). */
  token: TokenIdentity | null;
  /** Changed resources the engine counted without naming them (older CLIs, see parseEngineOutput). */
  unnamedChanges?: number;
  /** Set when the engine reported drift it did not detail. */
  note?: string;
}

/** The drift report of an engine output (exitCode: the CLI's, 0 or 7). */
export function buildReport(
  output: EngineOutput,
  context: { exitCode: number; checkedAt: string; command: string; stack?: string },
): DriftReport {
  const resources: DriftedResource[] = [];
  for (const seen of output.observations) {
    if (seen.op === "same" || seen.op === "refresh") continue;
    const state = seen.old ?? {};
    const type = seen.type ?? state.type ?? parseUrn(seen.urn).type;
    const base = {
      urn: seen.urn,
      type,
      name: parseUrn(seen.urn).name,
      ...(state.id ? { id: state.id } : {}),
    };
    if (seen.op === "delete" || !seen.new) {
      resources.push({ ...base, drift: "deleted", properties: [] });
    } else {
      resources.push({ ...base, drift: "changed", properties: driftedProperties(state, seen.new) });
    }
  }
  // By URN, not in the order the engine happened to read them (its reads run in parallel).
  resources.sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  const first = output.observations[0]?.urn;
  const drift = resources.length > 0 || output.unnamedChanges > 0 || context.exitCode === DRIFT_EXIT_CODE;
  const report: DriftReport = {
    project: first ? parseUrn(first).project : "",
    stack: first ? parseUrn(first).stack : (context.stack ?? ""),
    checkedAt: context.checkedAt,
    command: context.command,
    exitCode: context.exitCode,
    status: drift ? "drift" : "no-drift",
    resources,
    unchanged: output.unchanged,
    token: output.identities[0] ?? null,
  };
  if (output.unnamedChanges > 0) {
    report.unnamedChanges = output.unnamedChanges;
    report.note =
      `The engine counts ${plural(output.unnamedChanges, "changed resource")} that its output does not name: ` +
      "this Pulumi CLI ignores PULUMI_ENABLE_STREAMING_JSON_PREVIEW. Run `pulumi refresh --preview-only --diff` to see them.";
  } else if (drift && resources.length === 0) {
    report.note =
      "The engine reported changes without naming them. Run `pulumi refresh --preview-only --diff` to see them.";
  }
  return report;
}

/** "1 resource", "2 resources". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
