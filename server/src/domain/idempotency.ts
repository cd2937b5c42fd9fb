import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { canonicalJson, IDEMPOTENCY_KEY_FORMAT } from "../contract";
import type { SqlExecutor } from "../storage/database";
import { findIdempotencyRow, insertIdempotencyRow } from "../storage/idempotency";
import { ApiError } from "./api-error";

/**
 * Idempotency-Key for POST (draft-ietf-httpapi-idempotency-key-header). The first response is kept
 * for 24 hours so a retry gets it again. It can carry a client secret, so it is stored sealed with
 * AES-256-GCM under a key derived from the Idempotency-Key itself, which is stored only as a hash:
 * the database alone cannot open it, only the client that holds the key.
 */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export function checkKeyFormat(key: string): void {
  if (!IDEMPOTENCY_KEY_FORMAT.test(key)) {
    throw new ApiError(
      "IDEMPOTENCY_KEY_INVALID",
      "Idempotency-Key must be 16 to 255 printable ASCII characters without spaces; a random UUID is a good choice.",
    );
  }
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("base64url");
}

/**
 * Identifies the request a key was first used for. Keyed with the Idempotency-Key (HMAC), so the
 * stored value cannot be used to test guesses of a body's secrets (a user's password) offline.
 */
export function requestHash(idempotencyKey: string, method: string, path: string, body: unknown): string {
  return createHmac("sha256", idempotencyKey)
    .update(`${method} ${path}\n${canonicalJson(body)}`)
    .digest("base64url");
}

function sealKey(idempotencyKey: string, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", idempotencyKey, salt, "inbound-oauth idempotency v1", 32));
}

function seal(idempotencyKey: string, response: StoredResponse): { salt: string; sealed: string } {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", sealKey(idempotencyKey, salt), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(response), "utf8"), cipher.final()]);
  return {
    salt: salt.toString("base64url"),
    sealed: Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url"),
  };
}

function open(idempotencyKey: string, salt: string, sealed: string): StoredResponse {
  const bytes = Buffer.from(sealed, "base64url");
  const decipher = createDecipheriv(
    "aes-256-gcm",
    sealKey(idempotencyKey, Buffer.from(salt, "base64url")),
    bytes.subarray(0, 12),
  );
  decipher.setAuthTag(bytes.subarray(12, 28));
  return JSON.parse(Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString("utf8"));
}

/** The Idempotency-Key a write came with: whose token, the key, and the request's fingerprint. */
export interface IdempotencyClaim {
  tokenId: string;
  key: string;
  requestHash: string;
}

/** The stored response for this key, or undefined; refuses a key reused for another request. */
export async function findReplay(
  ex: SqlExecutor,
  claim: IdempotencyClaim,
  now: Date,
): Promise<StoredResponse | undefined> {
  const row = await findIdempotencyRow(ex, claim.tokenId, sha256(claim.key));
  if (!row || Date.parse(row.createdAt) + IDEMPOTENCY_TTL_MS < now.getTime()) return undefined;
  if (row.requestHash !== claim.requestHash) {
    throw new ApiError(
      "IDEMPOTENCY_KEY_REUSED",
      "This Idempotency-Key was already used for a different request. Use a new key for a new request; reuse a key only to retry the very same request.",
    );
  }
  return open(claim.key, row.salt, row.sealedResponse);
}

/** Records the response, in the transaction of the write it describes. */
export async function saveResponse(
  ex: SqlExecutor,
  claim: IdempotencyClaim,
  response: StoredResponse,
  now: Date,
): Promise<void> {
  const { salt, sealed } = seal(claim.key, response);
  const row = {
    tokenId: claim.tokenId,
    keyHash: sha256(claim.key),
    requestHash: claim.requestHash,
    salt,
    sealedResponse: sealed,
    createdAt: now.toISOString(),
  };
  await insertIdempotencyRow(ex, row, new Date(now.getTime() - IDEMPOTENCY_TTL_MS).toISOString());
}
