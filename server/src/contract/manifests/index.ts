import type { z } from "zod";
import { API_ACCESS_POLICY_MANIFEST } from "./api-access-policy";
import { AUTH_SCOPE_MANIFEST } from "./auth-scope";
import { INTEGRATION_MANIFEST } from "./integration";
import type { PulumiManifest, ResourceManifest } from "./manifest";
import { REST_API_MANIFEST } from "./rest-api";
import { USER_MANIFEST } from "./user";

export * from "./api-access-policy";
export * from "./auth-scope";
export * from "./integration";
export * from "./manifest";
export * from "./rest-api";
export * from "./user";

/**
 * Every resource kind of the management API, in the order the OpenAPI document lists them (and the
 * Pulumi resources among them, in the order schema.json and docs/resources.md list them).
 * A new kind is a new manifest file and a line here.
 */
export const RESOURCE_MANIFESTS = [
  INTEGRATION_MANIFEST,
  AUTH_SCOPE_MANIFEST,
  API_ACCESS_POLICY_MANIFEST,
  REST_API_MANIFEST,
  USER_MANIFEST,
] as const satisfies readonly ResourceManifest[];

type Manifests = (typeof RESOURCE_MANIFESTS)[number];

/** A kind of record the management API serves as a collection. */
export type ManifestKind = Manifests["kind"];

/** The manifest of a kind, by its record kind. */
export type ManifestOf<K extends ManifestKind> = Extract<Manifests, { kind: K }>;

/** The validated body of a create or replace of a kind. */
export type InputOf<K extends ManifestKind> = z.output<ManifestOf<K>["schemas"]["input"]>;

export const MANIFEST_BY_KIND = Object.fromEntries(
  RESOURCE_MANIFESTS.map((manifest) => [manifest.kind, manifest]),
) as { [K in ManifestKind]: ManifestOf<K> };

/** A manifest of a kind that the Pulumi provider manages. */
export type PulumiResourceManifest = ResourceManifest & { pulumi: PulumiManifest };

/** The kinds the Pulumi provider manages, in schema.json's order. */
export const PULUMI_RESOURCE_MANIFESTS: readonly PulumiResourceManifest[] = RESOURCE_MANIFESTS.filter(
  (manifest): manifest is Extract<Manifests, { pulumi: PulumiManifest }> => "pulumi" in manifest,
);

/** The SDK class name of a kind the Pulumi provider manages: "AuthorizationCodeGrant". */
export type PulumiClassName = Extract<Manifests, { pulumi: PulumiManifest }>["pulumi"]["className"];

/** A record of a kind as reads return it. */
export type RecordOf<K extends ManifestKind> = z.output<ManifestOf<K>["schemas"]["record"]>;
