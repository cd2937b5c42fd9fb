import { AuthScopeInputSchema, AuthScopeListQuerySchema, AuthScopeSchema } from "../auth-scope";
import { RECORD_META_OUTPUTS, RECORD_TIME_DOCS, type ResourceManifest } from "./manifest";

/** An auth scope that integrations may request, optionally limited to REST APIs. */
export const AUTH_SCOPE_MANIFEST = {
  kind: "authScope",
  path: "/auth-scopes",
  label: "auth scope",
  tag: "Auth scopes",
  schemas: {
    input: AuthScopeInputSchema,
    fields: AuthScopeInputSchema,
    record: AuthScopeSchema,
    listQuery: AuthScopeListQuerySchema,
  },
  references: { limitAuthorizationToApis: "restApi" },
  writeErrors: [],
  deleteErrors: [],
  pulumi: {
    className: "AuthScope",
    description:
      "An auth scope that integrations may request, optionally limited to named REST APIs (an empty limit reaches every API).",
    orderedLists: [],
    replaceOnChanges: [],
    secretInputs: [],
    recordOutputs: RECORD_META_OUTPUTS,
    computedOutputs: {},
    fieldDocs: { ...RECORD_TIME_DOCS },
  },
} as const satisfies ResourceManifest<"authScope">;
