import type { z } from "zod";
import { describeFieldErrors, fieldErrors } from "../contract";
import { ApiError } from "../domain/api-error";

/** Parses a request part with a contract schema; a failure lists every field at fault. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: "body" | "query",
): z.output<S> {
  if (what === "body" && (value === null || typeof value !== "object" || Array.isArray(value))) {
    throw new ApiError("VALIDATION_FAILED", "The body must be a JSON object.", {
      errors: [{ path: "(body)", message: "must be a JSON object" }],
    });
  }
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const errors = fieldErrors(result.error);
  throw new ApiError("VALIDATION_FAILED", `The ${what} is not valid: ${describeFieldErrors(errors)}.`, {
    errors,
  });
}
