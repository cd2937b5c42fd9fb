import type { FastifyInstance } from "fastify";
import { ApiError } from "../../domain/api-error";

/** Parsed application/x-www-form-urlencoded body: a repeated parameter keeps every value. */
export type FormBody = Record<string, string | string[]>;

/** Accepts form bodies (the OAuth endpoints and the login and consent pages use them). */
export function acceptForms(app: FastifyInstance): void {
  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string", bodyLimit: 16 * 1024 },
    (_req, body, done) => {
      const form: FormBody = {};
      for (const [key, value] of new URLSearchParams(body as string)) {
        const previous = form[key];
        form[key] =
          previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
      }
      done(null, form);
    },
  );
}

/**
 * The single-valued parameters of a form or query (RFC 6749 §3.1: parameters must not repeat).
 * Returns the name of a repeated parameter instead when there is one.
 */
export function singleValued(source: unknown): { params: Record<string, string>; repeated?: string } {
  if (source === null || typeof source !== "object" || Array.isArray(source)) return { params: {} };
  const params: Record<string, string> = {};
  let repeated: string | undefined;
  for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
    if (Array.isArray(value)) repeated ??= key;
    else if (typeof value === "string") params[key] = value;
  }
  return repeated === undefined ? { params } : { params, repeated };
}

export function requireForm(contentType: string | undefined): void {
  if (!contentType?.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    throw new ApiError("UNSUPPORTED_MEDIA_TYPE", "Send the parameters as application/x-www-form-urlencoded.");
  }
}
