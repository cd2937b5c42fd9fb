import type { Database } from "../../../storage/database";
import {
  lockSigningKeys,
  readPrivateJwks,
  replacePrivateJwk,
  type StoredPrivateJwk,
} from "../../../storage/signing-keys";
import { isSealed, KeyEncryptionError, type KeyEncryptionKey, sealedBy } from "./encryption";

/**
 * The signing_keys rows as a whole under a key-encryption key (KEK): sealing clear rows left by an
 * older version, checking at start that the KEK opens every row, and re-encrypting under a new KEK.
 * Each runs in one transaction, so a row is never half-moved and a failure changes nothing.
 */

/** The ids of the KEKs that sealed stored keys (empty when there are none, or only clear ones). */
export async function sealingKeyIds(db: Database): Promise<string[]> {
  const ids = new Set<string>();
  for (const row of await readPrivateJwks(db))
    if (isSealed(row.private_jwk)) ids.add(sealedBy(row.private_jwk) ?? "?");
  return [...ids];
}

/** Opens a sealed row or throws a KeyEncryptionError that names `source`, the kid and what to do. */
function openRow(kek: KeyEncryptionKey, row: StoredPrivateJwk, source: string): string {
  try {
    return kek.open(row.kid, row.private_jwk);
  } catch (error) {
    if (!(error instanceof KeyEncryptionError)) throw error;
    throw new KeyEncryptionError(
      error.code,
      `${error.message}. The key-encryption key from ${source} cannot open the signing keys: give the ` +
        "one that sealed them (--key-encryption-key-file or INBOUND_OAUTH_KEY_ENCRYPTION_KEY_FILE). " +
        'If it is lost, see "Key custody" in server/README.md.',
    );
  }
}

/**
 * At start: checks that `kek` opens every sealed row and seals the clear ones in place (databases
 * written before private keys were encrypted). Returns how many rows it sealed.
 */
export async function sealSigningKeys(db: Database, kek: KeyEncryptionKey, source: string): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await readPrivateJwks(tx);
    for (const row of rows) if (isSealed(row.private_jwk)) openRow(kek, row, source);
    let sealed = 0;
    for (const row of rows) {
      if (isSealed(row.private_jwk)) continue;
      // Conditional on the clear text, so that of two processes sealing at once only one writes.
      sealed += await replacePrivateJwk(tx, row.kid, row.private_jwk, kek.seal(row.kid, row.private_jwk));
    }
    return sealed;
  });
}

/**
 * Re-encrypts every private key from `from` to `to` in one transaction (clear rows are sealed too).
 * Returns how many rows it rewrote. Throws, changing nothing, when `from` does not open one of them.
 */
export async function reencryptSigningKeys(
  db: Database,
  from: KeyEncryptionKey,
  to: KeyEncryptionKey,
  source: string,
): Promise<number> {
  return db.transaction(async (tx) => {
    // PostgreSQL: no rotation by another process may add a row under the old KEK meanwhile.
    await lockSigningKeys(db, tx);
    const rows = await readPrivateJwks(tx);
    for (const row of rows) {
      const clear = isSealed(row.private_jwk) ? openRow(from, row, source) : row.private_jwk;
      const rowCount = await replacePrivateJwk(tx, row.kid, row.private_jwk, to.seal(row.kid, clear));
      if (rowCount !== 1) throw new Error(`the signing key ${row.kid} changed during the re-encryption`);
    }
    return rows.length;
  });
}
