import { STATUS_CODES } from "node:http";
import type { FieldError, Problem } from "../../../server/src/contract";

/**
 * An error of the management API as a person should see it: the server's stable `code` (or
 * NETWORK_ERROR, HTTP_<status> when the answer is not a problem document), its `detail`, and each
 * invalid field as `path: message`. Match on `err.code`, never with instanceof: the dynamic-provider
 * host may load this module more than once.
 *
 * The message never holds the admin token or a client secret: every text taken from the server or
 * from a network error is passed through `redact` with the values the request carried.
 */
export class ManagementError extends Error {
  override readonly name = "ManagementError";
  readonly code: string;
  /** The HTTP status, or undefined when no answer came (network errors). */
  readonly status: number | undefined;
  readonly detail: string;
  readonly errors: FieldError[];
  /** With NAME_TAKEN and CLIENT_ID_TAKEN: the id of the record that has the name. */
  readonly existingId: string | undefined;
  readonly referencedBy: Problem["referencedBy"];
  readonly currentVersion: number | undefined;
  /** How many requests were sent before giving up. */
  readonly attempts: number;

  constructor(fields: {
    code: string;
    status?: number;
    detail: string;
    errors?: FieldError[];
    existingId?: string;
    referencedBy?: Problem["referencedBy"];
    currentVersion?: number;
    attempts?: number;
  }) {
    const errors = fields.errors ?? [];
    super([`${fields.code}: ${fields.detail}`, ...errors.map((e) => `  ${e.path}: ${e.message}`)].join("\n"));
    this.code = fields.code;
    this.status = fields.status;
    this.detail = fields.detail;
    this.errors = errors;
    this.existingId = fields.existingId;
    this.referencedBy = fields.referencedBy;
    this.currentVersion = fields.currentVersion;
    this.attempts = fields.attempts ?? 1;
  }
}

/** A ManagementError, by name rather than instanceof, so it works across module copies. */
export function isManagementError(error: unknown): error is ManagementError {
  return (
    typeof error === "object" && error !== null && (error as { name?: unknown }).name === "ManagementError"
  );
}

/** A ManagementError with one of these codes. */
export function hasCode(error: unknown, ...codes: string[]): error is ManagementError {
  return isManagementError(error) && codes.includes(error.code);
}

export const REDACTED = "[redacted]";

/** Replaces every occurrence of each sensitive value (at least 8 characters long) in text. */
export function redact(text: string, sensitive: readonly string[]): string {
  let out = text;
  for (const value of sensitive) if (value.length >= 8) out = out.split(value).join(REDACTED);
  return out;
}

/** The string values under keys that name a secret (clientSecret, password, token...), anywhere in a body. */
export function secretsIn(body: unknown, found: string[] = []): string[] {
  if (Array.isArray(body)) for (const item of body) secretsIn(item, found);
  else if (body && typeof body === "object") {
    for (const [key, value] of Object.entries(body)) {
      if (typeof value === "string" && /(secret|password|token)$/i.test(key)) found.push(value);
      else secretsIn(value, found);
    }
  }
  return found;
}

const text = (value: unknown) => (typeof value === "string" ? value : undefined);

/** The error for a non-2xx answer: the problem document's fields, or HTTP_<status>. */
export function errorFromResponse(
  status: number,
  body: unknown,
  sensitive: readonly string[],
  attempts: number,
): ManagementError {
  const problem = (body && typeof body === "object" ? body : {}) as Partial<Record<keyof Problem, unknown>>;
  const clean = (value: string) => redact(value, sensitive);
  const code = text(problem.code) ?? `HTTP_${status}`;
  const detail =
    text(problem.detail) ??
    `The management API answered ${status} ${STATUS_CODES[status] ?? ""}`.trimEnd() +
      " without a problem document; check that the endpoint is the inbound-oauth server.";
  const errors = Array.isArray(problem.errors)
    ? problem.errors
        .filter((e): e is FieldError => typeof e?.path === "string" && typeof e?.message === "string")
        .map((e) => ({ path: clean(e.path), message: clean(e.message) }))
    : [];
  return new ManagementError({
    code: clean(code),
    status,
    detail: clean(detail),
    errors,
    existingId: text(problem.existingId),
    referencedBy: Array.isArray(problem.referencedBy)
      ? (problem.referencedBy as Problem["referencedBy"])
      : undefined,
    currentVersion: typeof problem.currentVersion === "number" ? problem.currentVersion : undefined,
    attempts,
  });
}

/** The error when no answer came: the endpoint, what failed (the system's code), attempts. */
export function networkError(
  origin: string,
  cause: unknown,
  sensitive: readonly string[],
  attempts: number,
): ManagementError {
  const code = text((cause as { code?: unknown })?.code) ?? "UNKNOWN";
  const message = cause instanceof Error ? cause.message : String(cause);
  const tries = attempts === 1 ? "1 attempt" : `${attempts} attempts`;
  return new ManagementError({
    code: "NETWORK_ERROR",
    detail: redact(
      `No answer from the management API at ${origin} after ${tries} (${code}: ${message}). ` +
        "Check inbound-oauth:endpoint and that the server is running and reachable.",
      sensitive,
    ),
    attempts,
  });
}
