// Growing the database: the registry (integrations, users), then grants until the token table
// holds the wanted number of rows, all in one transaction, timed; on PostgreSQL then VACUUM
// ANALYZE of the seeded tables, as autovacuum would do on its own shortly after such a load, and a
// CHECKPOINT.
import { performance } from "node:perf_hooks";
import { log, round } from "../lib/common";
import type { Fixtures, Templates } from "./fixtures";
import type { SeedDatabase } from "./seed-database";
import { GrantSeeder, randomGrant, type TokenCounts } from "./seed-grants";
import { seedRegistry } from "./seed-registry";
import { below } from "./tables";
import type { Probe } from "./validate";

export interface Seeded {
  counts: TokenCounts & { integrations: number; users: number };
  /** The seeding transaction (rows made and inserted), and PostgreSQL's VACUUM ANALYZE after it. */
  seconds: { insert: number; analyze?: number };
  oldestIntegrationId: string;
  probe: Probe;
}

const MINUTE_MS = 60_000;

export async function seedFull(
  db: SeedDatabase,
  templates: Templates,
  fixtures: Fixtures,
  wanted: { integrations: number; users: number; tokens: number },
  nowMs: number,
): Promise<Seeded> {
  const started = performance.now();
  let seeded: Omit<Seeded, "seconds"> | undefined;
  await db.transaction(async () => {
    const registry = await seedRegistry(db, templates, fixtures, wanted, nowMs);
    log(
      `seeded ${wanted.integrations} integrations and ${wanted.users} users in ${round((performance.now() - started) / 1000, 1)} s`,
    );
    const seeder = new GrantSeeder(db, templates, nowMs);
    const pick = () => {
      const integration = registry.integrations[below(registry.integrations.length)]!;
      return { integration, user: registry.users[below(registry.users.length)]! };
    };
    // A grant with known credentials, of a random seeded client and user, refreshed 5 minutes ago.
    const { integration, user } = pick();
    const credentials = await seeder.add({
      integrationId: integration.id,
      userId: user.id,
      scope: integration.scope,
      issuedAt: [nowMs - 40 * MINUTE_MS, nowMs - 5 * MINUTE_MS],
    });
    while (seeder.counts.tokens < wanted.tokens) {
      const who = pick();
      await seeder.add(
        randomGrant(nowMs, templates.integration, {
          integrationId: who.integration.id,
          userId: who.user.id,
          scope: who.integration.scope,
        }),
      );
    }
    await seeder.flush();
    seeded = {
      counts: { ...seeder.counts, integrations: wanted.integrations, users: wanted.users },
      oldestIntegrationId: registry.integrations.reduce((a, b) => (b.id < a.id ? b : a)).id,
      probe: { integration, user, credentials },
    };
  });
  const seconds: Seeded["seconds"] = { insert: round((performance.now() - started) / 1000, 1) };
  log(
    `seeded ${seeded!.counts.tokens} tokens in ${seeded!.counts.grants} grants; ${seconds.insert} s in all`,
  );
  if (db.dialect === "postgres") {
    const analyzing = performance.now();
    for (const table of [
      "integrations",
      "client_secrets",
      "integration_auth_scopes",
      "users",
      "user_passwords",
      "audit_events",
      "authorization_codes",
      "oauth_tokens",
    ]) {
      await db.execute(`VACUUM (ANALYZE) ${table}`);
    }
    // The load's dirty pages written out now, not by a checkpoint in the middle of a measurement.
    await db.execute("CHECKPOINT");
    seconds.analyze = round((performance.now() - analyzing) / 1000, 1);
  }
  return { ...seeded!, seconds };
}
