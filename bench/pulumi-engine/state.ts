// What a stack's state holds per resource after up (`pulumi stack export`, and the checkpoint file the
// engine rewrites after every step), and the check that this provider's resources carry it by reference.
import { statSync } from "node:fs";
import { join } from "node:path";
import type { PulumiStack } from "../../scripts/pulumi/stack";
import { round } from "../lib/common";
import { SIDES, type Side } from "./settings";

export interface StateFigures {
  size: number;
  side: Side;
  /** Bytes of one resource's entry in `pulumi stack export` (JSON), the mean over the stack's resources. */
  bytesPerResource: number;
  /** Bytes of `__provider` per resource: its inputs' and its outputs' copies together. */
  providerBytesPerResource: number;
  /** The checkpoint file's size (what the engine writes after every step), bytes. */
  checkpointBytes: number;
  /** Every resource's provider a reference to the package (checked on this provider's sides). */
  byReference: boolean;
}

/** The module the dynamic-provider host must load this provider from. */
const PROVIDER_MODULE = 'require("@inbound-oauth/pulumi/provider")';
/** A provider text longer than this is not a reference. */
export const MAX_REFERENCE_BYTES = 256;

/**
 * A provider held by reference: a short text that loads the package's ./provider export, with no
 * function of Pulumi's closure serialization in it (those are named __f0, __f1, ...).
 */
export function isByReference(text: unknown): boolean {
  return (
    typeof text === "string" &&
    text.length <= MAX_REFERENCE_BYTES &&
    text.includes(PROVIDER_MODULE) &&
    !/function __f\d/.test(text)
  );
}

export async function measureState(stack: PulumiStack, side: Side, size: number): Promise<StateFigures> {
  const { deployment } = await stack.exportState();
  const resources = (deployment.resources ?? []).filter((r) =>
    String(r.type).startsWith("pulumi-nodejs:dynamic/"),
  );
  if (resources.length !== size)
    throw new Error(`${side}: the state holds ${resources.length} resources, expected ${size}`);
  let bytes = 0;
  let providerBytes = 0;
  let byReference = true;
  for (const resource of resources) {
    bytes += Buffer.byteLength(JSON.stringify(resource));
    for (const part of ["inputs", "outputs"] as const) {
      const provider = (resource[part] as Record<string, unknown> | undefined)?.__provider;
      providerBytes += typeof provider === "string" ? Buffer.byteLength(provider) : 0;
      if (!isByReference(provider)) byReference = false;
    }
  }
  if (side !== "noop" && !byReference) {
    const sample = (resources[0]?.inputs as Record<string, unknown> | undefined)?.__provider;
    throw new Error(
      `${side}: the state holds the provider by value, not by reference (${String(sample).length} bytes): ${String(sample).slice(0, 200)}`,
    );
  }
  const checkpoint = join(
    stack.stateDir,
    "backend",
    ".pulumi",
    "stacks",
    SIDES[side].projectName,
    `${stack.stackName}.json`,
  );
  return {
    size,
    side,
    bytesPerResource: Math.round(bytes / size),
    providerBytesPerResource: round(providerBytes / size, 0),
    checkpointBytes: statSync(checkpoint).size,
    byReference,
  };
}
