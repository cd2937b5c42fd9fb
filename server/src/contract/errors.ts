import { z } from "zod";

/**
 * Every error the management API returns, by stable code. Clients match on `code`, never on the
 * wording of `detail`. Each code is documented in server/docs/errors.md (a test keeps them in step).
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, title: "The request body or query does not match the schema" },
  MALFORMED_JSON: { status: 400, title: "The request body is not valid JSON" },
  MALFORMED_URL: { status: 400, title: "The URL is not valid percent-encoding" },
  MALFORMED_REQUEST: { status: 400, title: "The request is not valid HTTP" },
  IDEMPOTENCY_KEY_INVALID: { status: 400, title: "The Idempotency-Key header is not usable" },
  UNAUTHENTICATED: { status: 401, title: "A valid bearer token is required" },
  FORBIDDEN: { status: 403, title: "The token's role may not do this" },
  NOT_FOUND: { status: 404, title: "No such record" },
  ROUTE_NOT_FOUND: { status: 404, title: "No such endpoint" },
  NAME_TAKEN: { status: 409, title: "A record with this name already exists" },
  CLIENT_ID_TAKEN: { status: 409, title: "An integration with this client ID already exists" },
  DELETION_PROTECTED: { status: 409, title: "The record has deletion protection" },
  STILL_REFERENCED: { status: 409, title: "Other records still refer to this one" },
  BUILT_IN_READ_ONLY: { status: 409, title: "Built-in records cannot be changed" },
  PUBLIC_CLIENT_HAS_NO_SECRET: { status: 409, title: "A public client has no secret" },
  REQUEST_TIMEOUT: { status: 408, title: "The request was not received in time" },
  PRECONDITION_FAILED: { status: 412, title: "The record changed since it was read" },
  BODY_TOO_LARGE: { status: 413, title: "The request body is too large" },
  URI_TOO_LONG: { status: 414, title: "The URL is too long" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: "The request body must be application/json" },
  UNKNOWN_REFERENCE: { status: 422, title: "The request refers to records that do not exist" },
  IMMUTABLE_FIELD: { status: 422, title: "A field that cannot change was changed" },
  CLIENT_SECRET_REQUIRED: { status: 422, title: "A confidential client needs a secret" },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: "The Idempotency-Key was used with a different request" },
  PRECONDITION_REQUIRED: { status: 428, title: "The request must carry If-Match" },
  HEADERS_TOO_LARGE: { status: 431, title: "The request headers are too large" },
  INTERNAL: { status: 500, title: "Internal error" },
  NOT_READY: { status: 503, title: "The server is not ready" },
  DATABASE_UNAVAILABLE: { status: 503, title: "The database cannot be reached" },
  STORAGE_FULL: { status: 503, title: "The database cannot write to its disk" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** application/problem+json (RFC 9457) with this API's extensions. */
export const ProblemSchema = z.object({
  type: z.string().describe("A URI naming the problem type: urn:inbound-oauth:problem:<code>."),
  title: z.string(),
  status: z.int(),
  code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
  detail: z.string().describe("What went wrong and what to do about it."),
  instance: z.string().optional(),
  errors: z
    .array(z.object({ path: z.string(), message: z.string() }))
    .optional()
    .describe("Each invalid field, by path (e.g. redirectUrls.1), with what is wrong with it."),
  existingId: z
    .string()
    .optional()
    .describe("With NAME_TAKEN and CLIENT_ID_TAKEN: the id of the record that has it."),
  referencedBy: z
    .array(z.object({ kind: z.string(), id: z.string(), name: z.string() }))
    .optional()
    .describe("With STILL_REFERENCED: the records that refer to this one."),
  currentVersion: z.int().optional().describe("With PRECONDITION_FAILED: the record's current version."),
});
export type Problem = z.infer<typeof ProblemSchema>;

export function problemType(code: ErrorCode): string {
  return `urn:inbound-oauth:problem:${code.toLowerCase().replaceAll("_", "-")}`;
}
