import type { PulumiPropertySpec, PulumiResourceSpec } from "../../provider/src/schema/build";
import type { Enums } from "./render";

/**
 * The properties every resource of the schema has alike (same name, type, description, flags and
 * required status): declared once, in sdk/src/generated/shared.ts, as `SharedArgs` (inputs) and
 * `SharedResource` (outputs), which each resource's Args and class extend. Today: the provider's
 * `adopt` input and the record's `version`, `createdAt` and `updatedAt` outputs.
 */
export interface Shared {
  /** Input properties in `SharedArgs`, in the first resource's order. */
  inputs: readonly string[];
  /** Output properties in `SharedResource`, in the first resource's order. */
  outputs: readonly string[];
}

export const NOTHING_SHARED: Shared = { inputs: [], outputs: [] };

/** Names of `side` that every resource declares with the same spec and the same required status. */
function alike(
  resources: readonly (readonly [PulumiResourceSpec, Enums])[],
  side: "inputProperties" | "properties",
  required: "requiredInputs" | "required",
): string[] {
  const [first, ...rest] = resources;
  if (!first || rest.length === 0) return [];
  const [spec, enums] = first;
  const key = (property: PulumiPropertySpec | undefined, values: readonly string[] | undefined) =>
    property === undefined ? undefined : JSON.stringify([property, values ?? null]);
  return Object.keys(spec[side]).filter((name) =>
    rest.every(
      ([other, otherEnums]) =>
        key(spec[side][name], enums[name]) === key(other[side][name], otherEnums[name]) &&
        spec[required].includes(name) === other[required].includes(name),
    ),
  );
}

/** What every resource of a schema shares, each with its contract enums (nothing when there is only one). */
export function sharedProperties(resources: readonly (readonly [PulumiResourceSpec, Enums])[]): Shared {
  return {
    inputs: alike(resources, "inputProperties", "requiredInputs"),
    outputs: alike(resources, "properties", "required"),
  };
}
