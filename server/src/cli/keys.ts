import { parseArgs } from "node:util";
import { DEFAULT_KEY_RETENTION_DAYS } from "../contract";
import { systemClock } from "../domain/clock";
import { KeyEncryptionKey, SigningKeys } from "../domain/oauth/keys";
import { openKeyCustody } from "../key-encryption-key";
import { databaseLocation, UsageError, withDatabase } from "./common";
import { rotateEncryptionKey } from "./rotate-encryption-key";

/** The actor the audit log names for rotations made from the command line. */
export const CLI_ACTOR = "cli";

/** inbound-oauth keys rotate|list|rotate-encryption-key */
export async function keysCommand(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: {
      database: { type: "string" },
      "key-retention-days": { type: "string" },
      "key-encryption-key-file": { type: "string" },
      "new-key-file": { type: "string" },
    },
  });
  const location = databaseLocation(values);
  const kekOptions = { file: values["key-encryption-key-file"] };
  let retentionDays = DEFAULT_KEY_RETENTION_DAYS;
  if (values["key-retention-days"] !== undefined) {
    retentionDays = Number(values["key-retention-days"]);
    if (!Number.isFinite(retentionDays) || retentionDays <= 0) {
      throw new UsageError("--key-retention-days must be a positive number");
    }
  }
  if (action === "rotate") {
    const key = await withDatabase(location, async (db) => {
      const { kek } = await openKeyCustody(db, kekOptions);
      return new SigningKeys(db, systemClock, { retentionDays, kek }).rotate(CLI_ACTOR);
    });
    process.stderr.write(
      `Rotated the token-signing key. The previous key stays published for ${retentionDays} days. New kid:\n`,
    );
    process.stdout.write(`${key.kid}\n`);
    return;
  }
  if (action === "list") {
    // list() reads public halves only and never seals: no key-encryption key is needed for it.
    const kek = KeyEncryptionKey.ephemeral();
    const keys = await withDatabase(location, (db) =>
      new SigningKeys(db, systemClock, { retentionDays, kek }).list(),
    );
    if (keys.length === 0)
      process.stderr.write("No signing keys yet: the server creates one when it starts.\n");
    for (const key of keys) {
      process.stdout.write(`${key.kid}\t${key.status}\t${key.createdAt}\t${key.removeAfter ?? "-"}\n`);
    }
    return;
  }
  if (action === "rotate-encryption-key") {
    const newKeyFile = values["new-key-file"];
    if (!newKeyFile)
      throw new UsageError("--new-key-file is required (it is created when it does not exist)");
    await withDatabase(location, (db) => rotateEncryptionKey(db, kekOptions, newKeyFile));
    return;
  }
  throw new UsageError("keys needs rotate or list, or rotate-encryption-key --new-key-file FILE");
}
