import * as pulumi from "@pulumi/pulumi";
import type { ResourceClassName } from "../../provider/src/dynamic";
import { providerObject, resourceSeed } from "./provider-object";

/** How a resource registers some of its properties (read from schema.json by sdk/scripts/generate.ts); a list left out is empty. */
export interface ResourceFlags {
  /** Outputs registered as unknown when the program does not give them, so Pulumi fills them in. */
  unsetOutputs?: readonly string[];
  /** Outputs Pulumi keeps secret (schema.json `secret`). */
  secretOutputs?: readonly string[];
  /** Inputs whose change replaces the resource (schema.json `replaceOnChanges`). */
  replaceOnChanges?: readonly string[];
}

/** What a generated resource class tells its base class. */
export interface ResourceSpec extends ResourceFlags {
  kind: ResourceClassName;
}

/** A resource's spec with the flags of the properties every resource shares (sdk/src/generated/shared.ts) added. */
export function withFlags(shared: ResourceFlags, spec: ResourceSpec): ResourceSpec {
  const both = (list: keyof ResourceFlags) => [...(shared[list] ?? []), ...(spec[list] ?? [])];
  return {
    kind: spec.kind,
    unsetOutputs: both("unsetOutputs"),
    secretOutputs: both("secretOutputs"),
    replaceOnChanges: both("replaceOnChanges"),
  };
}

/**
 * The base of every generated resource class: one dynamic resource of type
 * `pulumi-nodejs:dynamic/inbound-oauth:<kind>`, run by the kind's shared provider object, its
 * idempotent create seeded by the resource's stack and name.
 */
export abstract class InboundOAuthResource extends pulumi.dynamic.Resource {
  protected constructor(spec: ResourceSpec, name: string, args: object, opts?: pulumi.CustomResourceOptions) {
    const { unsetOutputs = [], secretOutputs = [], replaceOnChanges = [] } = spec;
    const unset = Object.fromEntries(unsetOutputs.map((output) => [output, undefined]));
    const flags = {
      ...(secretOutputs.length ? { additionalSecretOutputs: [...secretOutputs] } : {}),
      ...(replaceOnChanges.length ? { replaceOnChanges: [...replaceOnChanges] } : {}),
    };
    super(
      providerObject(spec.kind),
      name,
      { ...unset, ...args, __resource: resourceSeed(name) },
      Object.keys(flags).length ? pulumi.mergeOptions(opts, flags) : opts,
      "inbound-oauth",
      spec.kind,
    );
  }
}
