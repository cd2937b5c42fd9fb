import {
  IntegrationFieldsSchema,
  IntegrationInputSchema,
  IntegrationListQuerySchema,
  IntegrationSchema,
  IntegrationWithSecretSchema,
} from "../integration";
import { RECORD_META_OUTPUTS, RECORD_TIME_DOCS, type ResourceManifest } from "./manifest";

/** An OAuth 2.0 authorization code grant integration: one client registration. */
export const INTEGRATION_MANIFEST = {
  kind: "integration",
  path: "/integrations",
  label: "integration",
  tag: "Integrations",
  schemas: {
    input: IntegrationInputSchema,
    fields: IntegrationFieldsSchema,
    record: IntegrationSchema,
    created: IntegrationWithSecretSchema,
    listQuery: IntegrationListQuerySchema,
  },
  references: { authScopes: "authScope" },
  writeErrors: ["CLIENT_ID_TAKEN", "IMMUTABLE_FIELD", "CLIENT_SECRET_REQUIRED"],
  deleteErrors: ["DELETION_PROTECTED"],
  pulumi: {
    className: "AuthorizationCodeGrant",
    description:
      "An OAuth 2.0 authorization code grant integration: one client registration in the application registry (Machine Identity Console > Inbound integrations > New integration > OAuth authorization code grant). The client secret is a secret output; reads return only its fingerprint, so an out-of-band rotation shows as drift of `clientSecretFingerprint`.",
    orderedLists: ["redirectUrls"],
    replaceOnChanges: ["clientId"],
    secretInputs: ["clientSecret"],
    recordOutputs: ["clientSecretFingerprint", ...RECORD_META_OUTPUTS],
    computedOutputs: {
      authorizeUrl:
        "The server's authorization endpoint, where this client sends people to log in and consent.",
      tokenUrl: "The server's token endpoint, where this client exchanges codes and refresh tokens.",
      jwksUrl: "The server's JSON Web Key Set, to verify JWT access tokens.",
      introspectUrl: "The server's token introspection endpoint (RFC 7662).",
      revokeUrl: "The server's token revocation endpoint (RFC 7009).",
    },
    fieldDocs: { ...RECORD_TIME_DOCS },
  },
} as const satisfies ResourceManifest<"integration">;
