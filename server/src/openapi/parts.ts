import { z } from "zod";
import { ERROR_CODES, type ErrorCode, IDEMPOTENCY_KEY_FORMAT } from "../contract";

/** The pieces every operation of the OpenAPI document is made of. */

export type Json = Record<string, unknown>;

/** The JSON schema of a zod schema, as a request (input) or a response (output) has it. */
export const schema = (s: z.ZodType, io: "input" | "output") => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(s, { io, unrepresentable: "any" }) as Json;
  return rest;
};

export const json = (s: z.ZodType, io: "input" | "output" = "output") => ({
  "application/json": { schema: schema(s, io) },
});

const problem = (...codes: ErrorCode[]) => ({
  description: codes.map((code) => `${code}: ${ERROR_CODES[code].title}`).join("; "),
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});

/** The problem responses of an operation, by status: UNAUTHENTICATED and then `codes`. */
export function problems(codes: readonly ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of ["UNAUTHENTICATED", ...codes] as const) {
    const status = ERROR_CODES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries([...byStatus].map(([status, list]) => [String(status), problem(...list)]));
}

export const queryParameters = (s: z.ZodObject) =>
  Object.entries(s.shape).map(([name, field]) => ({
    name,
    in: "query",
    required: false,
    schema: schema(field as z.ZodType, "input"),
  }));

export const idParameter = {
  name: "id",
  in: "path",
  required: true,
  schema: { type: "string", format: "uuid" },
};

export const etag = {
  ETag: { description: "The record's version, to send back in If-Match.", schema: { type: "string" } },
};

export const ifMatch = (required: boolean) => ({
  name: "If-Match",
  in: "header",
  required,
  description: 'The ETag of the version this request changes, e.g. "3".',
  schema: { type: "string" },
});

export const idempotencyKey = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description: "A unique key (16–255 characters) that makes retries of this POST return the first response.",
  schema: { type: "string", pattern: IDEMPOTENCY_KEY_FORMAT.source },
};
