import type { FastifyReply, FastifyRequest } from "fastify";
import type { Clock } from "../domain/clock";
import {
  checkKeyFormat,
  findReplay,
  requestHash,
  type StoredResponse,
  saveResponse,
} from "../domain/idempotency";
import type { Outcome } from "../domain/records/service";
import type { Database, SqlExecutor } from "../storage/database";
import { principalOf } from "./auth";

type Write = (
  finish: (tx: SqlExecutor, outcome: Outcome) => Promise<StoredResponse>,
) => Promise<StoredResponse>;

function send(reply: FastifyReply, response: StoredResponse, replayed: boolean) {
  for (const [name, value] of Object.entries(response.headers)) reply.header(name, value);
  if (replayed) reply.header("idempotent-replayed", "true");
  return reply.code(response.status).send(response.body);
}

/**
 * Runs a POST that honours Idempotency-Key: a retry of the same request gets the first response
 * (replayed, with Idempotent-Replayed: true); the key reused for another request is refused.
 * The response is saved in the write's own transaction.
 */
export async function idempotentPost(
  db: Database,
  clock: Clock,
  request: FastifyRequest,
  reply: FastifyReply,
  respond: (outcome: Outcome) => StoredResponse,
  write: Write,
) {
  const key = request.headers["idempotency-key"];
  if (Array.isArray(key)) checkKeyFormat("");
  if (typeof key !== "string") {
    return send(reply, await write(async (_tx, outcome) => respond(outcome)), false);
  }
  checkKeyFormat(key);
  const tokenId = principalOf(request).tokenId;
  const hash = requestHash(key, request.method, request.url, request.body);
  const earlier = await findReplay(db, tokenId, key, hash, clock.now());
  if (earlier) return send(reply, earlier.response, true);
  try {
    const response = await write(async (tx, outcome) => {
      const stored = respond(outcome);
      await saveResponse(tx, tokenId, key, hash, stored, clock.now());
      return stored;
    });
    return send(reply, response, false);
  } catch (error) {
    // A concurrent request with the same key may have won: its response is the answer.
    const winner = await findReplay(db, tokenId, key, hash, clock.now());
    if (winner) return send(reply, winner.response, true);
    throw error;
  }
}
