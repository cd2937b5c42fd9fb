import { z } from "zod";
import { WhoamiSchema } from "./admin-token";
import {
  ApiAccessPolicyInputSchema,
  ApiAccessPolicyListQuerySchema,
  ApiAccessPolicySchema,
} from "./api-access-policy";
import { AuditEventSchema, AuditListQuerySchema } from "./audit";
import { AuthScopeInputSchema, AuthScopeListQuerySchema, AuthScopeSchema } from "./auth-scope";
import { IDEMPOTENCY_KEY_FORMAT, pageOf } from "./common";
import { ERROR_CODES, ProblemSchema } from "./errors";
import {
  IntegrationInputSchema,
  IntegrationListQuerySchema,
  IntegrationSchema,
  IntegrationWithSecretSchema,
  RotateSecretInputSchema,
} from "./integration";
import { RestApiInputSchema, RestApiListQuerySchema, RestApiSchema } from "./rest-api";
import { SigningKeySchema } from "./signing-key";
import { UserCreateInputSchema, UserInputSchema, UserListQuerySchema, UserSchema } from "./user";

type Json = Record<string, unknown>;

const schema = (s: z.ZodType, io: "input" | "output") => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(s, { io, unrepresentable: "any" }) as Json;
  return rest;
};

const json = (s: z.ZodType, io: "input" | "output" = "output") => ({
  "application/json": { schema: schema(s, io) },
});

const problem = (...codes: (keyof typeof ERROR_CODES)[]) => ({
  description: codes.map((code) => `${code}: ${ERROR_CODES[code].title}`).join("; "),
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});

function problems(codes: (keyof typeof ERROR_CODES)[]) {
  const byStatus = new Map<number, (keyof typeof ERROR_CODES)[]>();
  for (const code of ["UNAUTHENTICATED", ...codes] as const) {
    const status = ERROR_CODES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries([...byStatus].map(([status, list]) => [String(status), problem(...list)]));
}

const queryParameters = (s: z.ZodObject) =>
  Object.entries(s.shape).map(([name, field]) => ({
    name,
    in: "query",
    required: false,
    schema: schema(field as z.ZodType, "input"),
  }));

const idParameter = { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } };
const etag = {
  ETag: { description: "The record's version, to send back in If-Match.", schema: { type: "string" } },
};
const ifMatch = (required: boolean) => ({
  name: "If-Match",
  in: "header",
  required,
  description: 'The ETag of the version this request changes, e.g. "3".',
  schema: { type: "string" },
});
const idempotencyKey = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description: "A unique key (16–255 characters) that makes retries of this POST return the first response.",
  schema: { type: "string", pattern: IDEMPOTENCY_KEY_FORMAT.source },
};

interface Resource {
  path: string;
  tag: string;
  record: z.ZodType;
  created?: z.ZodType;
  input: z.ZodType;
  /** The body of a create, when it differs from a replace's. */
  createInput?: z.ZodType;
  listQuery: z.ZodObject;
  writeErrors: (keyof typeof ERROR_CODES)[];
  deleteErrors: (keyof typeof ERROR_CODES)[];
}

const WRITE_ERRORS = ["VALIDATION_FAILED", "FORBIDDEN", "NAME_TAKEN", "UNKNOWN_REFERENCE"] as const;

function resourcePaths(r: Resource): Json {
  const body = { required: true, content: json(r.input, "input") };
  const createBody = { required: true, content: json(r.createInput ?? r.input, "input") };
  return {
    [`/api/v1${r.path}`]: {
      get: {
        tags: [r.tag],
        summary: `List ${r.tag}`,
        parameters: queryParameters(r.listQuery),
        responses: {
          "200": { description: "One page", content: json(pageOf(r.record)) },
          ...problems(["VALIDATION_FAILED"]),
        },
      },
      post: {
        tags: [r.tag],
        summary: `Create`,
        parameters: [idempotencyKey],
        requestBody: createBody,
        responses: {
          "201": {
            description: "Created",
            headers: { ...etag, Location: { schema: { type: "string" } } },
            content: json(r.created ?? r.record),
          },
          ...problems([
            ...WRITE_ERRORS,
            ...r.writeErrors,
            "IDEMPOTENCY_KEY_INVALID",
            "IDEMPOTENCY_KEY_REUSED",
          ]),
        },
      },
    },
    [`/api/v1${r.path}/{id}`]: {
      parameters: [idParameter],
      get: {
        tags: [r.tag],
        summary: "Read one",
        responses: {
          "200": { description: "The record", headers: etag, content: json(r.record) },
          ...problems(["NOT_FOUND"]),
        },
      },
      put: {
        tags: [r.tag],
        summary: "Replace (full update)",
        parameters: [ifMatch(true)],
        requestBody: body,
        responses: {
          "200": { description: "Replaced", headers: etag, content: json(r.record) },
          ...problems([
            ...WRITE_ERRORS,
            ...r.writeErrors,
            "NOT_FOUND",
            "PRECONDITION_FAILED",
            "PRECONDITION_REQUIRED",
          ]),
        },
      },
      delete: {
        tags: [r.tag],
        summary: "Delete",
        parameters: [ifMatch(false)],
        responses: {
          "204": { description: "Deleted" },
          ...problems([
            "FORBIDDEN",
            "NOT_FOUND",
            "PRECONDITION_FAILED",
            "STILL_REFERENCED",
            ...r.deleteErrors,
          ]),
        },
      },
    },
  };
}

const RESOURCES: Resource[] = [
  {
    path: "/integrations",
    tag: "Integrations",
    record: IntegrationSchema,
    created: IntegrationWithSecretSchema,
    input: IntegrationInputSchema,
    listQuery: IntegrationListQuerySchema,
    writeErrors: ["CLIENT_ID_TAKEN", "IMMUTABLE_FIELD", "CLIENT_SECRET_REQUIRED"],
    deleteErrors: ["DELETION_PROTECTED"],
  },
  {
    path: "/auth-scopes",
    tag: "Auth scopes",
    record: AuthScopeSchema,
    input: AuthScopeInputSchema,
    listQuery: AuthScopeListQuerySchema,
    writeErrors: [],
    deleteErrors: [],
  },
  {
    path: "/api-access-policies",
    tag: "REST API access policies",
    record: ApiAccessPolicySchema,
    input: ApiAccessPolicyInputSchema,
    listQuery: ApiAccessPolicyListQuerySchema,
    writeErrors: [],
    deleteErrors: [],
  },
  {
    path: "/rest-apis",
    tag: "REST API catalog",
    record: RestApiSchema,
    input: RestApiInputSchema,
    listQuery: RestApiListQuerySchema,
    writeErrors: ["BUILT_IN_READ_ONLY"],
    deleteErrors: ["BUILT_IN_READ_ONLY"],
  },
  {
    path: "/users",
    tag: "Users",
    record: UserSchema,
    input: UserInputSchema,
    createInput: UserCreateInputSchema,
    listQuery: UserListQuerySchema,
    writeErrors: [],
    deleteErrors: [],
  },
];

/** The OpenAPI 3.1 document of the management API, built from the contract's schemas. */
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
      ...Object.assign({}, ...RESOURCES.map(resourcePaths)),
      "/api/v1/integrations/{id}/rotate-secret": {
        parameters: [idParameter],
        post: {
          tags: ["Integrations"],
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
