import { parseArgs } from "node:util";
import { AdminTokenNameSchema, ROLES, type Role } from "../contract";
import { createAdminToken, listAdminTokens, revokeAdminToken } from "../domain/admin-tokens";
import { systemClock } from "../domain/clock";
import { databaseLocation, UsageError, withDatabase } from "./common";

/** inbound-oauth admin-token create|list|revoke */
export async function adminTokenCommand(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: { name: { type: "string" }, role: { type: "string" }, database: { type: "string" } },
  });
  const location = databaseLocation(values);
  if (action === "create") {
    const name = AdminTokenNameSchema.safeParse(values.name);
    if (!name.success) throw new UsageError("--name is required: letters, digits and . _ @ - (at most 100)");
    if (!ROLES.includes(values.role as Role))
      throw new UsageError(`--role must be one of ${ROLES.join(", ")}`);
    const { token } = await withDatabase(location, (db) =>
      db.transaction((tx) =>
        createAdminToken(tx, name.data, values.role as Role, systemClock.now().toISOString()),
      ),
    ).catch((error) => {
      if (error?.code === "STORAGE_UNIQUE_VIOLATION")
        throw new UsageError(`a token named "${name.data}" already exists`);
      throw error;
    });
    process.stderr.write(`Created admin token "${name.data}" (${values.role}). It is shown only now:\n`);
    process.stdout.write(`${token}\n`);
    return;
  }
  if (action === "list") {
    const tokens = await withDatabase(location, (db) => listAdminTokens(db));
    for (const t of tokens) process.stdout.write(`${t.name}\t${t.role}\t${t.created_at}\n`);
    return;
  }
  if (action === "revoke") {
    if (!values.name) throw new UsageError("--name is required");
    const revoked = await withDatabase(location, (db) => revokeAdminToken(db, values.name!));
    if (!revoked) throw new UsageError(`no token is named "${values.name}"`);
    process.stderr.write(`Revoked admin token "${values.name}".\n`);
    return;
  }
  throw new UsageError("admin-token needs create, list or revoke");
}
