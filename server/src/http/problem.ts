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

function translate(error: FastifyError): ApiError {
  if (error instanceof ApiError) return error;
  if (isDatabaseUnavailable(error)) return databaseProblem(error);
  const known = error.code ? FASTIFY_ERRORS[error.code] : undefined;
  if (known) return new ApiError(known[0], known[1]);
  if (error instanceof SyntaxError || error.code === "FST_ERR_CTP_INVALID_JSON") {
    return new ApiError("MALFORMED_JSON", "The body is not valid JSON. Check quoting, commas and brackets.");
  }
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

/** Every error leaves as problem+json; internals are logged, never sent. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const problem = translate(error);
    if (isDatabaseUnavailable(error)) request.log.warn({ reason: error.reason }, "database unavailable");
    else if (problem.status >= 500) request.log.error({ err: error }, "request failed");
    else if (!(error instanceof ApiError))
      request.log.info({ code: problem.code, fastifyCode: error.code }, "request refused");
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      new ApiError(
        "ROUTE_NOT_FOUND",
        `There is no ${request.method} ${request.url.split("?")[0]}. The OpenAPI document at /api/v1/openapi.json lists every endpoint.`,
      ),
    ),
  );
}
