import * as pulumi from "@pulumi/pulumi";
import type { ResourceClassName } from "../../provider/src/dynamic";
import { providerObject, resourceSeed } from "./provider-object";

/** What a generated resource class tells its base class (read from schema.json by sdk/scripts/generate.ts). */
export interface ResourceSpec {
  kind: ResourceClassName;
  /** Outputs registered as unknown when the program does not give them, so Pulumi fills them in. */
  unsetOutputs: readonly string[];
  /** Outputs Pulumi keeps secret (schema.json `secret`). */
  secretOutputs: readonly string[];
  /** Inputs whose change replaces the resource (schema.json `replaceOnChanges`). */
  replaceOnChanges: readonly string[];
}

/**
 * The base of every generated resource class: one dynamic resource of type
 * `pulumi-nodejs:dynamic/inbound-oauth:<kind>`, run by the kind's shared provider object, its
 * idempotent create seeded by the resource's stack and name.
 */
export abstract class InboundOAuthResource extends pulumi.dynamic.Resource {
  protected constructor(spec: ResourceSpec, name: string, args: object, opts?: pulumi.CustomResourceOptions) {
    const unset = Object.fromEntries(spec.unsetOutputs.map((output) => [output, undefined]));
    const flags = {
      ...(spec.secretOutputs.length ? { additionalSecretOutputs: [...spec.secretOutputs] } : {}),
      ...(spec.replaceOnChanges.length ? { replaceOnChanges: [...spec.replaceOnChanges] } : {}),
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
