import type { FastifyReply, FastifyRequest } from "fastify";
import { checkKeyFormat, type IdempotencyClaim, requestHash } from "../domain/idempotency";
import type { WriteResult } from "../domain/records/write";
import { principalOf } from "./auth";

/**
 * The Idempotency-Key of a POST as a value the write carries (draft-ietf-httpapi-idempotency-key-header):
 * undefined without the header; refused when it is malformed or repeated. The request is
 * fingerprinted by method, URL and body, so the key reused for another request is refused.
 */
export function idempotencyOf(request: FastifyRequest): IdempotencyClaim | undefined {
  const key = request.headers["idempotency-key"];
  if (Array.isArray(key)) checkKeyFormat("");
  if (typeof key !== "string") return undefined;
  checkKeyFormat(key);
  return {
    tokenId: principalOf(request).tokenId,
    key,
    requestHash: requestHash(key, request.method, request.url, request.body),
  };
}

/** Sends a write's response; a replay of an earlier one says so with Idempotent-Replayed: true. */
export function sendWritten(reply: FastifyReply, { response, replayed }: WriteResult) {
  for (const [name, value] of Object.entries(response.headers)) reply.header(name, value);
  if (replayed) reply.header("idempotent-replayed", "true");
  return reply.code(response.status).send(response.body);
}
