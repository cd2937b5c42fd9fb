import {
  MANIFEST_BY_KIND,
  type ManifestKind,
  type ManifestOf,
  RESOURCE_MANIFESTS,
  type RecordKind,
} from "../../contract";

/**
 * How the records of each kind are stored. What a kind is (its label, which fields refer to which
 * kind) comes from its manifest (contract/manifests/); only the storage layout is declared here.
 */

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

type Columns = Record<string, { column: string; boolean?: true; unique?: true }>;

export interface KindSpec extends KindTable {
  /** Fields kept in their own columns (unique or queried), by field name. */
  columns: Columns;
  references: ReferenceField[];
}

/** A kind's table, the fields kept in their own columns, and the join table of each reference field. */
interface StorageLayout<K extends ManifestKind> {
  table: string;
  columns: Columns;
  joinTables: { [F in keyof ManifestOf<K>["references"]]: string };
}

const STORAGE: { [K in ManifestKind]: StorageLayout<K> } = {
  integration: {
    table: "integrations",
    columns: { clientId: { column: "client_id", unique: true } },
    joinTables: { authScopes: "integration_auth_scopes" },
  },
  authScope: {
    table: "auth_scopes",
    columns: {},
    joinTables: { limitAuthorizationToApis: "auth_scope_rest_apis" },
  },
  apiAccessPolicy: {
    table: "api_access_policies",
    columns: {},
    joinTables: { restApis: "policy_rest_apis", integrations: "policy_integrations" },
  },
  restApi: {
    table: "rest_apis",
    columns: { builtIn: { column: "built_in", boolean: true } },
    joinTables: {},
  },
  /** Resource owners: login name, roles and active in the record; the password hash in user_passwords. */
  user: { table: "users", columns: {}, joinTables: {} },
};

function tableOf(kind: RecordKind): KindTable {
  if (!(kind in STORAGE)) throw new Error(`no records of kind ${kind} are stored as a collection`);
  const manifest = MANIFEST_BY_KIND[kind as ManifestKind];
  return { kind, table: STORAGE[manifest.kind].table, label: manifest.label };
}

function specOf(kind: ManifestKind): KindSpec {
  const { columns, joinTables } = STORAGE[kind];
  const references = Object.entries(MANIFEST_BY_KIND[kind].references as Record<string, RecordKind>);
  return {
    ...tableOf(kind),
    columns,
    references: references.map(([field, target]) => ({
      field,
      joinTable: (joinTables as Record<string, string>)[field] as string,
      target: tableOf(target),
    })),
  };
}

/** Every kind stored as a collection of records, in the manifests' order. */
export const STORED_KINDS: KindSpec[] = RESOURCE_MANIFESTS.map((manifest) => specOf(manifest.kind));

/** The same, by kind. */
export const KIND_SPECS = Object.fromEntries(STORED_KINDS.map((spec) => [spec.kind, spec])) as {
  [K in ManifestKind]: KindSpec;
};

export const INTEGRATION = KIND_SPECS.integration;
export const AUTH_SCOPE = KIND_SPECS.authScope;
export const API_ACCESS_POLICY = KIND_SPECS.apiAccessPolicy;
export const REST_API = KIND_SPECS.restApi;
export const USER = KIND_SPECS.user;

/** Every reference field, in any kind, that points at records of `target`. */
export function referencesTo(target: KindTable): { owner: KindSpec; reference: ReferenceField }[] {
  return STORED_KINDS.flatMap((owner) =>
    owner.references
      .filter((reference) => reference.target.kind === target.kind)
      .map((reference) => ({ owner, reference })),
  );
}
