import type { SqlExecutor } from "./database";

/** A stored Idempotency-Key: the key's hash, the request's, and the sealed first response. */
export interface IdempotencyRow {
  tokenId: string;
  keyHash: string;
  requestHash: string;
  salt: string;
  sealedResponse: string;
  createdAt: string;
}

export async function findIdempotencyRow(
  ex: SqlExecutor,
  tokenId: string,
  keyHash: string,
): Promise<IdempotencyRow | undefined> {
  const rows = await ex.query<{
    request_hash: string;
    salt: string;
    sealed_response: string;
    created_at: string;
  }>(
    "SELECT request_hash, salt, sealed_response, created_at FROM idempotency_keys WHERE token_id = ? AND key_hash = ?",
    [tokenId, keyHash],
  );
  const row = rows[0];
  return (
    row && {
      tokenId,
      keyHash,
      requestHash: row.request_hash,
      salt: row.salt,
      sealedResponse: row.sealed_response,
      createdAt: row.created_at,
    }
  );
}

/** Stores a key's row, first dropping an expired row of the same key (older than `expiredBefore`). */
export async function insertIdempotencyRow(
  ex: SqlExecutor,
  row: IdempotencyRow,
  expiredBefore: string,
): Promise<void> {
  await ex.execute("DELETE FROM idempotency_keys WHERE token_id = ? AND key_hash = ? AND created_at < ?", [
    row.tokenId,
    row.keyHash,
    expiredBefore,
  ]);
  await ex.execute(
    "INSERT INTO idempotency_keys (token_id, key_hash, request_hash, salt, sealed_response, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    [row.tokenId, row.keyHash, row.requestHash, row.salt, row.sealedResponse, row.createdAt],
  );
}
