import { z } from "zod";
import {
  AuditEventSchema,
  AuditListQuerySchema,
  INTEGRATION_MANIFEST,
  IntegrationWithSecretSchema,
  ProblemSchema,
  pageOf,
  RESOURCE_MANIFESTS,
  RotateSecretInputSchema,
  SigningKeySchema,
  WhoamiSchema,
} from "../contract";
import {
  etag,
  idempotencyKey,
  idParameter,
  ifMatch,
  type Json,
  json,
  problems,
  queryParameters,
  schema,
} from "./parts";
import { resourcePaths } from "./resource-paths";

/** The OpenAPI 3.1 document of the management API, built from the contract's manifests and schemas. */
export function buildOpenApiDocument(version: string): Json {
  return {
    openapi: "3.1.0",
    info: {
      title: "inbound-oauth management API",
      version,
      description:
        "The application registry of the reference authorization server: OAuth authorization code grant integrations, auth scopes, REST API access policies, the REST API catalog and the audit log. Errors are application/problem+json with a stable code.",
    },
    security: [{ bearer: [] }],
    paths: {
      ...Object.assign({}, ...RESOURCE_MANIFESTS.map(resourcePaths)),
      [`/api/v1${INTEGRATION_MANIFEST.path}/{id}/rotate-secret`]: {
        parameters: [idParameter],
        post: {
          tags: [INTEGRATION_MANIFEST.tag],
          summary:
            "Rotate the client secret (generated, or the one supplied); the new secret is returned once",
          parameters: [ifMatch(false), idempotencyKey],
          requestBody: { required: false, content: json(RotateSecretInputSchema, "input") },
          responses: {
            "200": { description: "Rotated", headers: etag, content: json(IntegrationWithSecretSchema) },
            ...problems([
              "VALIDATION_FAILED",
              "FORBIDDEN",
              "NOT_FOUND",
              "PRECONDITION_FAILED",
              "PUBLIC_CLIENT_HAS_NO_SECRET",
              "IDEMPOTENCY_KEY_INVALID",
              "IDEMPOTENCY_KEY_REUSED",
            ]),
          },
        },
      },
      "/api/v1/audit": {
        get: {
          tags: ["Audit"],
          summary: "List audit events, oldest first",
          parameters: queryParameters(AuditListQuerySchema),
          responses: {
            "200": { description: "One page", content: json(pageOf(AuditEventSchema)) },
            ...problems(["VALIDATION_FAILED"]),
          },
        },
      },
      "/api/v1/keys": {
        get: {
          tags: ["Signing keys"],
          summary:
            "List the token-signing keys (public halves only): the active key and the retired keys not yet removed",
          responses: {
            "200": {
              description: "Every stored key, newest first",
              content: json(z.object({ items: z.array(SigningKeySchema) })),
            },
            ...problems([]),
          },
        },
      },
      "/api/v1/keys/rotate": {
        post: {
          tags: ["Signing keys"],
          summary:
            "Rotate the token-signing key: the active key is retired (still published in the JWKS for the retention period) and a new ES256 key becomes active",
          responses: {
            "201": { description: "The new active key (public half only)", content: json(SigningKeySchema) },
            ...problems(["FORBIDDEN"]),
          },
        },
      },
      "/api/v1/whoami": {
        get: {
          tags: ["Tokens"],
          summary:
            "The calling token's name and role (never the token): what a job names as the identity it ran as",
          responses: {
            "200": { description: "The calling token", content: json(WhoamiSchema) },
            ...problems([]),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "An admin token (ioa_...)." },
      },
      schemas: { Problem: schema(ProblemSchema, "output") },
    },
  };
}
