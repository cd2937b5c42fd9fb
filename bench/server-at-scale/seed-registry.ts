// Seeded integrations and users: copies of the rows the server wrote for a fixture (its document,
// its audit event), each with its own id, name, client ID, client secret (hashed as the server
// hashes it), auth scopes and time of creation; and the registry generation moved on, as any
// registry write of the server does.
import { fingerprint, generateClientId, hashSecret } from "../../server/src/domain/secrets";
import { type Fixtures, newSecret, scopesOf, type Templates } from "./fixtures";
import type { SeedDatabase } from "./seed-database";
import { below, iso, TABLES, uuidv7At } from "./tables";

const DAY_MS = 86_400_000;
const BATCH = 5_000;

export interface SeededIntegration {
  id: string;
  clientId: string;
  secret: string;
  /** The scope of a grant that asks for every auth scope it may. */
  scope: string;
}

export interface SeededRegistry {
  integrations: SeededIntegration[];
  users: { id: string; name: string }[];
}

/** The template's audit changes with these fields' `after` values replaced. */
function changesWith(template: string, after: Record<string, unknown>): string {
  const changes = JSON.parse(template) as { field: string; after?: unknown }[];
  return JSON.stringify(
    changes.map((change) => (change.field in after ? { ...change, after: after[change.field] } : change)),
  );
}

/** Records created over the year before `latestMs`, oldest first (their UUIDv7 ids sort so too). */
function creationTimes(count: number, latestMs: number): number[] {
  return Array.from({ length: count }, () => latestMs - below(265 * DAY_MS)).sort((a, b) => a - b);
}

async function inBatches(count: number, write: (from: number, to: number) => Promise<void>): Promise<void> {
  for (let from = 0; from < count; from += BATCH) await write(from, Math.min(count, from + BATCH));
}

export async function seedRegistry(
  db: SeedDatabase,
  templates: Templates,
  fixtures: Fixtures,
  counts: { integrations: number; users: number },
  nowMs: number,
): Promise<SeededRegistry> {
  // Every seeded record is older than any token (tokens are at most ~100 days old).
  const latest = nowMs - 101 * DAY_MS;
  const integrations: SeededIntegration[] = [];
  const { integration: template } = templates;
  const document = JSON.parse(template.document) as Record<string, unknown>;
  const times = creationTimes(counts.integrations, latest);
  await inBatches(counts.integrations, async (from, to) => {
    const records: unknown[][] = [];
    const secrets: unknown[][] = [];
    const links: unknown[][] = [];
    const events: unknown[][] = [];
    for (let i = from; i < to; i++) {
      const at = iso(times[i]!);
      const id = uuidv7At(times[i]!);
      const name = `scale-integration-${i}`;
      const clientId = generateClientId();
      const secret = newSecret();
      const print = fingerprint(secret);
      const scopes = scopesOf(fixtures.scopes, i);
      records.push([
        id,
        name,
        JSON.stringify({ ...document, clientSecretFingerprint: print }),
        1,
        at,
        at,
        clientId,
      ]);
      secrets.push([id, hashSecret(secret), print, at]);
      for (const [position, scope] of scopes.entries()) links.push([id, scope.id, position]);
      const changes = changesWith(template.changes, {
        name,
        clientId,
        clientSecretFingerprint: print,
        authScopes: scopes.map((scope) => scope.name),
      });
      events.push([uuidv7At(times[i]!), at, template.actor, "create", "integration", id, name, changes]);
      integrations.push({ id, clientId, secret, scope: scopes.map((scope) => scope.name).join(" ") });
    }
    await db.insert(TABLES.integrations, records);
    await db.insert(TABLES.clientSecrets, secrets);
    await db.insert(TABLES.integrationAuthScopes, links);
    await db.insert(TABLES.auditEvents, events);
  });

  const users: SeededRegistry["users"] = [];
  const userTimes = creationTimes(counts.users, latest);
  await inBatches(counts.users, async (from, to) => {
    const records: unknown[][] = [];
    const passwords: unknown[][] = [];
    const events: unknown[][] = [];
    for (let i = from; i < to; i++) {
      const at = iso(userTimes[i]!);
      const id = uuidv7At(userTimes[i]!);
      const name = `scale-user-${i}`;
      records.push([id, name, templates.user.document, 1, at, at]);
      // One scrypt hash for all (the bench never logs them in): a hash per user would cost ~50 ms each.
      passwords.push([id, templates.user.passwordHash, at]);
      events.push([
        uuidv7At(userTimes[i]!),
        at,
        templates.user.actor,
        "create",
        "user",
        id,
        name,
        changesWith(templates.user.changes, { name }),
      ]);
      users.push({ id, name });
    }
    await db.insert(TABLES.users, records);
    await db.insert(TABLES.userPasswords, passwords);
    await db.insert(TABLES.auditEvents, events);
  });
  // As storage/registry-generation.ts: one bump for the transaction's registry writes.
  await db.execute("UPDATE registry_generation SET value = value + 1 WHERE id = 1");
  return { integrations, users };
}
