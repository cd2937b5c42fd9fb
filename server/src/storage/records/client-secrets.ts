import type { SqlExecutor } from "../database";
import { registryChanged } from "../registry-generation";

/** An integration's client secret, stored only as a hash and a fingerprint (one row at most). */
export async function replaceClientSecret(
  tx: SqlExecutor,
  integrationId: string,
  secret: { hash: string; fingerprint: string },
  now: string,
): Promise<void> {
  await deleteClientSecret(tx, integrationId);
  await tx.execute(
    "INSERT INTO client_secrets (integration_id, hash, fingerprint, created_at) VALUES (?, ?, ?, ?)",
    [integrationId, secret.hash, secret.fingerprint, now],
  );
  await registryChanged(tx);
}

export async function deleteClientSecret(tx: SqlExecutor, integrationId: string): Promise<void> {
  await tx.execute("DELETE FROM client_secrets WHERE integration_id = ?", [integrationId]);
  await registryChanged(tx);
}

/** The stored hash of an integration's client secret, if it has one. */
export async function clientSecretHash(ex: SqlExecutor, integrationId: string): Promise<string | undefined> {
  const rows = await ex.query<{ hash: string }>("SELECT hash FROM client_secrets WHERE integration_id = ?", [
    integrationId,
  ]);
  return rows[0]?.hash;
}
