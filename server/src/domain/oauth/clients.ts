import type { Integration } from "../../contract";
import type { SqlExecutor } from "../../storage/database";
import { INTEGRATION } from "../records/kinds";
import { toView } from "../records/service";
import { findById, listRecords } from "../records/store";
import { verifySecret } from "../secrets";

/** An integration as the OAuth runtime sees it: the registry record, read live on every request. */
export type Client = Integration;

export async function findClient(db: SqlExecutor, clientId: string): Promise<Client | undefined> {
  const { records } = await listRecords(db, INTEGRATION, { filters: { clientId }, limit: 1 });
  return records[0] ? (toView(records[0]) as unknown as Client) : undefined;
}

export async function findClientById(db: SqlExecutor, id: string): Promise<Client | undefined> {
  const record = await findById(db, INTEGRATION, id);
  return record ? (toView(record) as unknown as Client) : undefined;
}

/** Checks a confidential client's secret against its stored hash, in constant time. */
export async function clientSecretMatches(db: SqlExecutor, client: Client, secret: string): Promise<boolean> {
  const rows = await db.query<{ hash: string }>("SELECT hash FROM client_secrets WHERE integration_id = ?", [
    client.id,
  ]);
  const row = rows[0];
  return row !== undefined && verifySecret(secret, row.hash);
}
