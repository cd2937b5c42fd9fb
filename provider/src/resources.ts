import type { z } from "zod";
import {
  ApiAccessPolicyFieldsSchema,
  ApiAccessPolicyInputSchema,
  AuthScopeInputSchema,
  IntegrationFieldsSchema,
  IntegrationInputSchema,
} from "../../server/src/contract";

/**
 * What the provider needs to know of each resource: its API path, its contract schema, and how
 * its properties compare (an ordered list, a set, a property whose change replaces the resource,
 * a secret). The Pulumi schema (schema.json) is generated from the same descriptors.
 */
export interface ResourceKind {
  /** The Pulumi type token, as previews show it. */
  token: string;
  /** The management API collection. */
  path: string;
  /** The full input schema (with cross-field rules). */
  input: z.ZodType;
  /** The per-field schema (for validating what is known when some inputs are still unknown). */
  fields: z.ZodObject;
  orderedLists: readonly string[];
  setLists: readonly string[];
  replaceOnChanges: readonly string[];
  secretInputs: readonly string[];
}

export const AUTHORIZATION_CODE_GRANT: ResourceKind = {
  token: "inbound-oauth:index:AuthorizationCodeGrant",
  path: "/api/v1/integrations",
  input: IntegrationInputSchema,
  fields: IntegrationFieldsSchema,
  orderedLists: ["redirectUrls"],
  setLists: ["authScopes"],
  replaceOnChanges: ["clientId"],
  secretInputs: ["clientSecret"],
};

export const AUTH_SCOPE: ResourceKind = {
  token: "inbound-oauth:index:AuthScope",
  path: "/api/v1/auth-scopes",
  input: AuthScopeInputSchema,
  fields: AuthScopeInputSchema,
  orderedLists: [],
  setLists: ["limitAuthorizationToApis"],
  replaceOnChanges: [],
  secretInputs: [],
};

export const API_ACCESS_POLICY: ResourceKind = {
  token: "inbound-oauth:index:ApiAccessPolicy",
  path: "/api/v1/api-access-policies",
  input: ApiAccessPolicyInputSchema,
  fields: ApiAccessPolicyFieldsSchema,
  orderedLists: [],
  setLists: ["restApis", "integrations"],
  replaceOnChanges: [],
  secretInputs: [],
};

export const RESOURCE_KINDS = [AUTHORIZATION_CODE_GRANT, AUTH_SCOPE, API_ACCESS_POLICY] as const;

/** Inputs that only steer the provider and are never sent to the server. */
export const PROVIDER_INPUTS = ["adopt"] as const;
