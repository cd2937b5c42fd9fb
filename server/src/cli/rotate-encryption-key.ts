import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { reencryptSigningKeys } from "../domain/oauth/keys";
import {
  createKekFile,
  describeKek,
  type KekOptions,
  locateKek,
  openKeyCustody,
  readKekFile,
} from "../key-encryption-key";
import type { Database } from "../storage/database";
import { UsageError } from "./common";

/**
 * inbound-oauth keys rotate-encryption-key --new-key-file FILE: re-encrypts every private signing
 * key from the current key-encryption key to the one in FILE (created, 0600, when it does not
 * exist), in one transaction. The current KEK no longer opens them afterwards, so every server
 * must then start with the new one.
 */
export async function rotateEncryptionKey(
  db: Database,
  current: KekOptions,
  newKeyFile: string,
): Promise<void> {
  const currentLocation = locateKek(current);
  if (!("variable" in currentLocation) && !existsSync(currentLocation.path)) {
    throw new UsageError(
      `there is no current key-encryption key at ${currentLocation.path}: name it with --key-encryption-key-file`,
    );
  }
  const { kek: from, source } = await openKeyCustody(db, current);
  const path = resolve(newKeyFile);
  const created = !existsSync(path);
  const to = created ? createKekFile(path) : readKekFile(path);
  if (to.id === from.id) {
    throw new UsageError(`${path} holds the current key-encryption key (${from.id}): give a new one`);
  }
  const count = await reencryptSigningKeys(db, from, to, source);
  process.stderr.write(
    `Re-encrypted ${count} signing key(s) from key-encryption key ${from.id} (${source}) to ${to.id} ` +
      `(${created ? "created " : ""}${path}). The old key no longer opens them.\n` +
      `Next: restart every server with the new key (${nextStep(currentLocation, path)}), then destroy ` +
      "the old key and its backups.\n",
  );
}

function nextStep(location: ReturnType<typeof locateKek>, path: string): string {
  if ("variable" in location) return `set ${location.variable} to the content of ${path}`;
  return `mv ${path} ${location.path}, or --key-encryption-key-file ${path}; ${describeKek(location)} is now stale`;
}
