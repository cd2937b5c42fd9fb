import type * as pulumi from "@pulumi/pulumi";
import type { ResourceClassName } from "../../provider/src/dynamic";

/** The package subpath Pulumi's dynamic-provider host loads the implementation from (plugin-entry.ts). */
export const PROVIDER_MODULE = "@inbound-oauth/pulumi/provider";

/**
 * The text every resource of a kind carries as `__provider`, which Pulumi's dynamic-provider host
 * evaluates (as a module whose `handler()` returns the provider) to run the resource's operations.
 * It refers to the implementation by package name, as Pulumi's closure serialization writes a module
 * installed in node_modules: the state holds no credential, no server code and no copy of the
 * provider's functions, whatever the layout of the program's packages. (Serialized by Pulumi, the
 * provider object was ~2.5 KB, kept twice in every resource's state, and cost the program tens of
 * milliseconds of CPU per kind; the engine rewrites the whole state after every step, so each byte of
 * a resource's state is written once per step of the operation.)
 */
export function serializedProvider(kind: ResourceClassName): string {
  return `exports.handler = () => require(${JSON.stringify(PROVIDER_MODULE)}).providerOf(${JSON.stringify(kind)});\n`;
}

/** What seeds a resource's idempotent create: the same resource of the same stack, whatever the run. */
export function resourceSeed(name: string): string {
  // Loaded lazily so that the SDK module itself stays cheap to import.
  const runtime = require("@pulumi/pulumi") as typeof pulumi;
  return `${runtime.getProject()}/${runtime.getStack()}/${name}`;
}
