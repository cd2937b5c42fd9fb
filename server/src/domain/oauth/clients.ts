import type { Integration } from "../../contract";
import type { SqlExecutor } from "../../storage/database";
import { findById, listRecords } from "../../storage/records/read";
import { INTEGRATION } from "../records/kinds";

/** An integration as the OAuth runtime sees it: the registry record, read live on every request. */
export type Client = Integration;

export async function findClient(db: SqlExecutor, clientId: string): Promise<Client | undefined> {
  const { records } = await listRecords<Integration>(db, INTEGRATION, { filters: { clientId }, limit: 1 });
  return records[0];
}

export async function findClientById(db: SqlExecutor, id: string): Promise<Client | undefined> {
  return findById<Integration>(db, INTEGRATION, id);
}
