import { beforeCommit, type SqlExecutor } from "./database";

/**
 * The registry generation: one number that every committed change of the registry increases, in
 * the transaction that makes the change, so that a server (any of several on one database) can
 * keep what it read of the registry until the number moves (domain/oauth/registry-cache.ts).
 *
 * Every store that writes a registry table calls registryChanged: records and their references
 * (records/write.ts), client secrets (records/client-secrets.ts) and the revocation of an admin
 * token (admin-tokens.ts: the management API keeps verified tokens per generation); passwords are
 * not cached, so not counted. The bump runs once per
 * transaction, last before the commit (storage/database.ts beforeCommit): on PostgreSQL it locks
 * the one row, and a lock taken last is never held while waiting for another, so registry writes
 * queue on it without deadlock.
 */
const BUMP = "UPDATE registry_generation SET value = value + 1 WHERE id = 1";

export function registryChanged(ex: SqlExecutor): Promise<void> {
  return beforeCommit(ex, "registry-generation", async (tx) => {
    await tx.execute(BUMP);
  });
}

export async function readRegistryGeneration(ex: SqlExecutor): Promise<number> {
  const [row] = await ex.query<{ value: number | string }>(
    "SELECT value FROM registry_generation WHERE id = 1",
  );
  if (!row) throw new Error("registry_generation has no row: the database was not migrated");
  return Number(row.value);
}
