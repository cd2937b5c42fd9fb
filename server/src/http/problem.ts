import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ERROR_CODES, type ErrorCode, type Problem, problemType } from "../contract";
import { ApiError } from "../domain/api-error";
import { type DatabaseUnavailable, isDatabaseUnavailable } from "../storage/database";

export const PROBLEM_JSON = "application/problem+json";

export function problemBody(error: ApiError, instance?: string): Problem {
  return {
    type: problemType(error.code),
    title: ERROR_CODES[error.code].title,
    status: error.status,
    code: error.code,
    detail: error.detail,
    ...(instance ? { instance } : {}),
    ...error.extras,
  };
}

export function sendProblem(reply: FastifyReply, error: ApiError): FastifyReply {
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return reply
    .code(error.status)
    .type(PROBLEM_JSON)
    .send(problemBody(error, reply.request.url.split("?")[0]));
}

/** Fastify's own errors (body parsing, limits), by their code, as this API's problems. */
const FASTIFY_ERRORS: Record<string, [ErrorCode, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    "UNSUPPORTED_MEDIA_TYPE",
    "Send the body as JSON with Content-Type: application/json.",
  ],
  FST_ERR_CTP_BODY_TOO_LARGE: [
    "BODY_TOO_LARGE",
    "The body is larger than this server accepts (64 KiB). Send less.",
  ],
  FST_ERR_CTP_EMPTY_JSON_BODY: [
    "MALFORMED_JSON",
    "The body is empty but Content-Type says JSON. Send a JSON object.",
  ],
  FST_ERR_CTP_INVALID_JSON_BODY: [
    "MALFORMED_JSON",
    "The body is not valid JSON. Check quoting, commas and brackets.",
  ],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [
    "MALFORMED_JSON",
    "The Content-Length header does not match the body.",
  ],
  FST_ERR_BAD_URL: [
    "MALFORMED_URL",
    "The URL's path is not valid percent-encoding (a % must start %XX with two hex digits). Encode it correctly.",
  ],
  FST_ERR_MAX_PARAM_LENGTH: [
    "URI_TOO_LONG",
    "A path segment of the URL is longer than this server accepts (100 characters). Check the id in the URL.",
  ],
};

/** Seconds a client should wait before retrying a request the database could not serve. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** A database outage or a full disk as a 503 the client can retry; nothing of the request was written. */
export function databaseProblem(error: DatabaseUnavailable): ApiError {
  const retry = { "retry-after": String(DATABASE_RETRY_AFTER_SECONDS) };
  if (error.reason === "unreachable")
    return new ApiError(
      "DATABASE_UNAVAILABLE",
      "The server cannot reach its database right now; nothing was changed. Retry in a few seconds.",
      {},
      retry,
    );
  return new ApiError(
    "STORAGE_FULL",
    error.reason === "full"
      ? "The database's disk is full, so nothing was changed. Retry later; the operator must free disk space."
      : "The database could not write to its disk, so nothing was changed. Retry later; the operator must check the disk.",
    {},
    retry,
  );
}

/** The problem an error is answered with: an ApiError as it is, Fastify's own by their code, else INTERNAL. */
export function problemFor(error: FastifyError): ApiError {
  if (error instanceof ApiError) return error;
  if (isDatabaseUnavailable(error)) return databaseProblem(error);
  const known = error.code ? FASTIFY_ERRORS[error.code] : undefined;
  if (known) return new ApiError(known[0], known[1]);
  if (error instanceof SyntaxError || error.code === "FST_ERR_CTP_INVALID_JSON") {
    return new ApiError("MALFORMED_JSON", "The body is not valid JSON. Check quoting, commas and brackets.");
  }
  if (error.statusCode === 414)
    return new ApiError("URI_TOO_LONG", "The URL is longer than this server accepts. Send a shorter one.");
  if (error.statusCode === 413)
    return new ApiError("BODY_TOO_LARGE", "The request body is too large. Send less.");
  if (error.statusCode === 415) {
    return new ApiError(
      "UNSUPPORTED_MEDIA_TYPE",
      "Send the body as JSON with Content-Type: application/json.",
    );
  }
  if (error.statusCode === 400) {
    return new ApiError(
      "VALIDATION_FAILED",
      "The request is malformed. Check the body and query against the OpenAPI document.",
    );
  }
  return new ApiError(
    "INTERNAL",
    "The server hit an unexpected error. Retry; if it persists, contact the operator with the time of the request.",
  );
}

/**
 * Answers a problem in another shape where the path calls for it (the OAuth endpoints answer RFC
 * 6749 errors or an error page); returns undefined to leave it to problem+json.
 */
export type ProblemShape = (
  request: FastifyRequest,
  reply: FastifyReply,
  problem: ApiError,
) => FastifyReply | undefined;

function answer(request: FastifyRequest, reply: FastifyReply, error: FastifyError, shape?: ProblemShape) {
  const problem = problemFor(error);
  if (isDatabaseUnavailable(error)) request.log.warn({ reason: error.reason }, "database unavailable");
  else if (problem.status >= 500) request.log.error({ err: error }, "request failed");
  else if (!(error instanceof ApiError))
    request.log.info({ code: problem.code, fastifyCode: error.code }, "request refused");
  return shape?.(request, reply, problem) ?? sendProblem(reply, problem);
}

/**
 * Fastify's `frameworkErrors`: errors met before any route runs (a path that is not valid
 * percent-encoding, an over-long path parameter), answered like every other error.
 */
export function frameworkErrorHandler(shape?: ProblemShape) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
    answer(request, reply, error, shape);
}

/**
 * Every error leaves as problem+json (or in the shape `shape` gives its path), with a stable code;
 * internals are logged, never sent. Unknown routes are ROUTE_NOT_FOUND.
 */
export function installErrorHandling(app: FastifyInstance, shape?: ProblemShape): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
    answer(request, reply, error, shape),
  );
  app.setNotFoundHandler((request, reply) => {
    const problem = new ApiError(
      "ROUTE_NOT_FOUND",
      `There is no ${request.method} ${request.url.split("?")[0]}. The OpenAPI document at /api/v1/openapi.json lists every endpoint.`,
    );
    return shape?.(request, reply, problem) ?? sendProblem(reply, problem);
  });
}
