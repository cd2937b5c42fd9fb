import type { Integration } from "../../contract";
import type { SqlExecutor } from "../../storage/database";
import { clientSecretHash } from "../../storage/records/client-secrets";
import { findById, listRecords } from "../../storage/records/read";
import { INTEGRATION } from "../records/kinds";
import { verifySecret } from "../secrets";

/** An integration as the OAuth runtime sees it: the registry record, read live on every request. */
export type Client = Integration;

export async function findClient(db: SqlExecutor, clientId: string): Promise<Client | undefined> {
  const { records } = await listRecords<Integration>(db, INTEGRATION, { filters: { clientId }, limit: 1 });
  return records[0];
}

export async function findClientById(db: SqlExecutor, id: string): Promise<Client | undefined> {
  return findById<Integration>(db, INTEGRATION, id);
}

/** Checks a confidential client's secret against its stored hash, in constant time. */
export async function clientSecretMatches(db: SqlExecutor, client: Client, secret: string): Promise<boolean> {
  const hash = await clientSecretHash(db, client.id);
  return hash !== undefined && verifySecret(secret, hash);
}
