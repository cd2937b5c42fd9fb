import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { DEFAULT_ADMIN_TOKEN_FILE } from "./bootstrap";
import { KeyEncryptionError, KeyEncryptionKey, sealingKeyIds, sealSigningKeys } from "./domain/oauth/keys";
import type { Database } from "./storage/database";
import { assertPrivate, ensurePrivateDir, writePrivateFile } from "./storage/private-files";

/**
 * Where the process finds the key-encryption key (KEK) that seals the private signing keys, in
 * order: `--key-encryption-key-file`, INBOUND_OAUTH_KEY_ENCRYPTION_KEY_FILE (a path),
 * INBOUND_OAUTH_KEY_ENCRYPTION_KEY (the key itself), else the file `key-encryption-key` beside the
 * admin-token file. A KEK file that does not exist is created (0600) while no signing key is sealed
 * yet (first start); later its absence refuses the start.
 */
export const KEK_ENV = "INBOUND_OAUTH_KEY_ENCRYPTION_KEY";
export const KEK_FILE_ENV = "INBOUND_OAUTH_KEY_ENCRYPTION_KEY_FILE";
export const KEK_FILE_NAME = "key-encryption-key";

export interface KekOptions {
  /** --key-encryption-key-file */
  file?: string;
  /** Its folder holds the default KEK file. */
  adminTokenFile?: string;
  env?: NodeJS.ProcessEnv;
}

type KekLocation = { path: string } | { variable: string; text: string };

export function locateKek(options: KekOptions): KekLocation {
  const env = options.env ?? process.env;
  const named = options.file ?? (env[KEK_FILE_ENV] || undefined);
  if (named !== undefined) return { path: resolve(named) };
  if (env[KEK_ENV]) return { variable: KEK_ENV, text: env[KEK_ENV] };
  const beside = dirname(resolve(options.adminTokenFile ?? DEFAULT_ADMIN_TOKEN_FILE));
  return { path: join(beside, KEK_FILE_NAME) };
}

export const describeKek = (location: KekLocation) =>
  "variable" in location ? `the variable ${location.variable}` : `the file ${location.path}`;

/** Reads a KEK file, refusing one that group or others may read. */
export function readKekFile(path: string): KeyEncryptionKey {
  assertPrivate(path, "The key-encryption key file");
  return KeyEncryptionKey.fromText(readFileSync(path, "utf8"), `The file ${path}`);
}

/** Creates a new KEK file (0600, in a 0700 folder) unless one appeared meanwhile; then reads it. */
export function createKekFile(path: string): KeyEncryptionKey {
  ensurePrivateDir(dirname(path), "The folder of the key-encryption key");
  writePrivateFile(path, `${KeyEncryptionKey.generateText()}\n`, { replace: false });
  return readKekFile(path);
}

export interface KeyCustody {
  kek: KeyEncryptionKey;
  /** Where it came from, for messages. */
  source: string;
  /** The KEK file this start created, if it did. */
  created?: string;
  /** Clear private keys (from an older version) this start sealed. */
  sealed: number;
}

/**
 * The KEK for this process: read (or on first start created), checked against every stored signing
 * key, and clear keys from an older version sealed in place. Fails, changing nothing, when the KEK
 * does not open the stored keys. Never prints key material.
 */
export async function openKeyCustody(db: Database, options: KekOptions): Promise<KeyCustody> {
  const location = locateKek(options);
  const source = describeKek(location);
  let kek: KeyEncryptionKey;
  let created: string | undefined;
  if ("variable" in location) {
    kek = KeyEncryptionKey.fromText(location.text, `The variable ${location.variable}`);
  } else if (existsSync(location.path)) {
    kek = readKekFile(location.path);
  } else {
    // Created only while no key is sealed yet: a lost KEK is never silently replaced.
    const sealedBy = await sealingKeyIds(db);
    if (sealedBy.length > 0) {
      throw new KeyEncryptionError(
        "KEY_ENCRYPTION_KEY_MISSING",
        `The key-encryption key file ${location.path} does not exist, and the database holds signing keys ` +
          `sealed by key-encryption key ${sealedBy.join(", ")}. Give the file that sealed them with ` +
          `--key-encryption-key-file or ${KEK_FILE_ENV}; if it is lost, see "Key custody" in server/README.md.`,
      );
    }
    kek = createKekFile(location.path);
    created = location.path;
  }
  const sealed = await sealSigningKeys(db, kek, source);
  return { kek, source, created, sealed };
}
