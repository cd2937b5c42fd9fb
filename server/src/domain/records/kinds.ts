import type { RecordKind } from "../../contract";

/** A list field stored as rows of a join table that point at records of another kind (by id). */
export interface ReferenceField {
  field: string;
  joinTable: string;
  target: KindTable;
}

export interface KindTable {
  kind: RecordKind;
  table: string;
  /** How a person names one record of this kind in a message: "auth scope". */
  label: string;
}

export interface KindSpec extends KindTable {
  /** Fields kept in their own columns (unique or queried), by field name. */
  columns: Record<string, { column: string; boolean?: true; unique?: true }>;
  references: ReferenceField[];
}

export const REST_API: KindSpec = {
  kind: "restApi",
  table: "rest_apis",
  label: "REST API",
  columns: { builtIn: { column: "built_in", boolean: true } },
  references: [],
};

export const AUTH_SCOPE: KindSpec = {
  kind: "authScope",
  table: "auth_scopes",
  label: "auth scope",
  columns: {},
  references: [{ field: "limitAuthorizationToApis", joinTable: "auth_scope_rest_apis", target: REST_API }],
};

export const INTEGRATION: KindSpec = {
  kind: "integration",
  table: "integrations",
  label: "integration",
  columns: { clientId: { column: "client_id", unique: true } },
  references: [{ field: "authScopes", joinTable: "integration_auth_scopes", target: AUTH_SCOPE }],
};

export const API_ACCESS_POLICY: KindSpec = {
  kind: "apiAccessPolicy",
  table: "api_access_policies",
  label: "REST API access policy",
  columns: {},
  references: [
    { field: "restApis", joinTable: "policy_rest_apis", target: REST_API },
    { field: "integrations", joinTable: "policy_integrations", target: INTEGRATION },
  ],
};

/** Resource owners: login name, roles and active in the record; the password hash in user_passwords. */
export const USER: KindSpec = {
  kind: "user",
  table: "users",
  label: "user",
  columns: {},
  references: [],
};

export const KINDS: KindSpec[] = [REST_API, AUTH_SCOPE, INTEGRATION, API_ACCESS_POLICY, USER];

/** Every reference field, in any kind, that points at records of `target`. */
export function referencesTo(target: KindTable): { owner: KindSpec; reference: ReferenceField }[] {
  return KINDS.flatMap((owner) =>
    owner.references
      .filter((reference) => reference.target.kind === target.kind)
      .map((reference) => ({ owner, reference })),
  );
}
