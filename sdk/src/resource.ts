import * as pulumi from "@pulumi/pulumi";
import type { ResourceClassName } from "../../provider/src/dynamic";
import { resourceSeed, serializedProvider } from "./provider-object";

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

/** The property of a dynamic resource that holds its provider (what pulumi.dynamic.Resource writes). */
const PROVIDER_PROPERTY = "__provider";

/**
 * The base of every generated resource class: one dynamic resource of type
 * `pulumi-nodejs:dynamic/inbound-oauth:<kind>`, run by Pulumi's dynamic-provider host with the
 * kind's provider (`__provider`: see serializedProvider), its idempotent create seeded by the
 * resource's stack and name. It registers what pulumi.dynamic.Resource registers, except that the
 * provider is the SDK's short text instead of Pulumi's serialization of a provider object.
 */
export abstract class InboundOAuthResource extends pulumi.CustomResource {
  protected constructor(spec: ResourceSpec, name: string, args: object, opts?: pulumi.CustomResourceOptions) {
    const { unsetOutputs = [], secretOutputs = [], replaceOnChanges = [] } = spec;
    const unset = Object.fromEntries(unsetOutputs.map((output) => [output, undefined]));
    const flags = {
      ...(secretOutputs.length ? { additionalSecretOutputs: [...secretOutputs] } : {}),
      ...(replaceOnChanges.length ? { replaceOnChanges: [...replaceOnChanges] } : {}),
    };
    super(
      `pulumi-nodejs:dynamic/inbound-oauth:${spec.kind}`,
      name,
      {
        ...unset,
        ...args,
        __resource: resourceSeed(name),
        [PROVIDER_PROPERTY]: serializedProvider(spec.kind),
      },
      Object.keys(flags).length ? pulumi.mergeOptions(opts, flags) : opts,
    );
  }
}
