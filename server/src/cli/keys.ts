import { parseArgs } from "node:util";
import { DEFAULT_KEY_RETENTION_DAYS } from "../contract";
import { systemClock } from "../domain/clock";
import { SigningKeys } from "../domain/oauth/keys";
import { databaseLocation, UsageError, withDatabase } from "./common";

/** The actor the audit log names for rotations made from the command line. */
export const CLI_ACTOR = "cli";

/** inbound-oauth keys rotate|list */
export async function keysCommand(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: { database: { type: "string" }, "key-retention-days": { type: "string" } },
  });
  const location = databaseLocation(values);
  let retentionDays = DEFAULT_KEY_RETENTION_DAYS;
  if (values["key-retention-days"] !== undefined) {
    retentionDays = Number(values["key-retention-days"]);
    if (!Number.isFinite(retentionDays) || retentionDays <= 0) {
      throw new UsageError("--key-retention-days must be a positive number");
    }
  }
  if (action === "rotate") {
    const key = await withDatabase(location, (db) =>
      new SigningKeys(db, systemClock, { retentionDays }).rotate(CLI_ACTOR),
    );
    process.stderr.write(
      `Rotated the token-signing key. The previous key stays published for ${retentionDays} days. New kid:\n`,
    );
    process.stdout.write(`${key.kid}\n`);
    return;
  }
  if (action === "list") {
    const keys = await withDatabase(location, (db) =>
      new SigningKeys(db, systemClock, { retentionDays }).list(),
    );
    if (keys.length === 0)
      process.stderr.write("No signing keys yet: the server creates one when it starts.\n");
    for (const key of keys) {
      process.stdout.write(`${key.kid}\t${key.status}\t${key.createdAt}\t${key.removeAfter ?? "-"}\n`);
    }
    return;
  }
  throw new UsageError("keys needs rotate or list");
}
