// What both jobs read from the engine's JSON: a resource's recorded state, and its URN's parts.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A resource's state as the engine prints it (a step's oldState/newState, an event's old/new). */
export interface ResourceState {
  urn?: string;
  type?: string;
  id?: string;
  inputs?: Record<string, Json>;
  outputs?: Record<string, Json>;
}

/** `urn:pulumi:<stack>::<project>::<type>::<name>` → its parts. */
export function parseUrn(urn: string): { stack: string; project: string; type: string; name: string } {
  const parts = urn.split("::");
  const qualifiedType = parts[2] ?? "";
  return {
    stack: (parts[0] ?? "").replace(/^urn:pulumi:/, ""),
    project: parts[1] ?? "",
    type: qualifiedType.split("$").pop() ?? qualifiedType,
    name: parts.slice(3).join("::"),
  };
}

/** The type's own name: `pulumi-nodejs:dynamic/inbound-oauth:AuthScope` → `AuthScope`. */
export function shortType(type: string): string {
  return type.split(":").pop() || type;
}
