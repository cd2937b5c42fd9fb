import type { z } from "zod";
import {
  API_ACCESS_POLICY_MANIFEST,
  AUTH_SCOPE_MANIFEST,
  INTEGRATION_MANIFEST,
  PULUMI_RESOURCE_MANIFESTS,
  type PulumiClassName,
  type PulumiResourceManifest,
  pulumiTypeToken,
} from "../../server/src/contract";

/**
 * What the provider needs to know of each resource: its API path, its contract schema, and how
 * its properties compare (an ordered list, a set, a property whose change replaces the resource,
 * a secret). All of it is derived from the kind's manifest (server/src/contract/manifests/), as the
 * Pulumi schema (schema.json) and docs/resources.md are.
 */
export interface ProviderResource {
  /** The Pulumi type token, as previews show it. */
  token: string;
  /** The SDK's class name, by which Pulumi's dynamic-provider host names the kind. */
  className: PulumiClassName;
  /** The management API collection. */
  path: string;
  /** The full input schema (with cross-field rules). */
  input: z.ZodType;
  /** The per-field schema (for validating what is known when some inputs are still unknown). */
  fields: z.ZodObject;
  orderedLists: readonly string[];
  /** Lists compared as sets: the references to records of other kinds. */
  setLists: readonly string[];
  replaceOnChanges: readonly string[];
  secretInputs: readonly string[];
  /** The declaration everything above comes from (docs, record schema, outputs). */
  manifest: PulumiResourceManifest;
}

function providerResourceOf(manifest: PulumiResourceManifest): ProviderResource {
  const { pulumi, schemas } = manifest;
  return {
    token: pulumiTypeToken(pulumi.className),
    className: pulumi.className as PulumiClassName,
    path: `/api/v1${manifest.path}`,
    input: schemas.input,
    fields: schemas.fields,
    orderedLists: pulumi.orderedLists,
    setLists: Object.keys(manifest.references),
    replaceOnChanges: pulumi.replaceOnChanges,
    secretInputs: pulumi.secretInputs,
    manifest,
  };
}

/** Every resource the provider manages, in schema.json's order. */
export const PROVIDER_RESOURCES: readonly ProviderResource[] =
  PULUMI_RESOURCE_MANIFESTS.map(providerResourceOf);

/** The resources by the class name Pulumi's dynamic-provider host passes to every operation. */
export const RESOURCES_BY_CLASS = Object.fromEntries(
  PROVIDER_RESOURCES.map((resource) => [resource.className, resource]),
) as Record<PulumiClassName, ProviderResource>;
export type ResourceClassName = PulumiClassName;

export const AUTHORIZATION_CODE_GRANT_RESOURCE = RESOURCES_BY_CLASS[INTEGRATION_MANIFEST.pulumi.className];
export const AUTH_SCOPE_RESOURCE = RESOURCES_BY_CLASS[AUTH_SCOPE_MANIFEST.pulumi.className];
export const API_ACCESS_POLICY_RESOURCE = RESOURCES_BY_CLASS[API_ACCESS_POLICY_MANIFEST.pulumi.className];

/** Inputs that only steer the provider and are never sent to the server. */
export const PROVIDER_INPUTS = ["adopt"] as const;
