// Several server processes on one PostgreSQL prune at once (each on its schedule, plus a CLI run):
// no run fails, together they remove the backlog exactly once, and token traffic that locks the same
// rows meanwhile (revoking whole families) neither fails nor deadlocks.
import { revokeFamily } from "../../../src/domain/oauth/tokens";
import { prune } from "../../../src/domain/prune/run";
import { PostgresDatabase } from "../../../src/storage/postgres";
import { T0 } from "../../helpers/oauth-flow";
import { startTestApp, type TestApp } from "../../helpers/test-app";
import { counts, owners } from "./fixture";

const FAMILIES = 40;
const PER_FAMILY = 100;

describe("concurrent prunes on postgres", () => {
  let t: TestApp;
  let others: PostgresDatabase[];

  beforeAll(async () => {
    t = await startTestApp("postgres");
    others = [1, 2].map(() => new PostgresDatabase(t.store.location, { maxConnections: 5 }));
  });
  afterAll(async () => {
    for (const db of others) await db.close();
    await t.close();
  });

  test("three prunes at once and revocations of the same rows all succeed; each expired row is removed once", async () => {
    const o = await owners(t);
    const expired = new Date(T0 - 86_400_000).toISOString();
    const live = new Date(T0 + 86_400_000).toISOString();
    // Each family: PER_FAMILY expired tokens and one live refresh token.
    await t.store.db.execute(
      `INSERT INTO oauth_tokens (id, kind, token_hash, integration_id, user_id, scope, family_id, created_at, expires_at)
       SELECT 'tok-' || n, CASE WHEN n % ${PER_FAMILY + 1} = 0 THEN 'refresh' ELSE 'access' END, 'h-' || n, ?, ?, '',
              'family-' || (n % ${FAMILIES}), ?, CASE WHEN n % ${PER_FAMILY + 1} = 0 THEN ? ELSE ? END
       FROM generate_series(1, ${FAMILIES * (PER_FAMILY + 1)}) AS n`,
      [o.integrationId, o.userId, expired, live, expired],
    );
    const before = (await counts(t.store.db)).oauth_tokens!;
    const liveRows = await t.store.db.query("SELECT id FROM oauth_tokens WHERE expires_at > ?", [
      new Date(T0).toISOString(),
    ]);
    const clock = { now: () => new Date(T0) };
    const runs = [t.store.db, ...others].map((db) => prune(db, clock, { batchSize: 50 }));
    const revocations = Array.from({ length: FAMILIES }, (_, i) =>
      revokeFamily(others[i % 2]!, clock, `family-${i}`),
    );
    const results = await Promise.all(runs);
    await Promise.all(revocations);

    const removed = results.map((r) => r.find((x) => x.table === "oauth_tokens")!.removed);
    expect(removed.reduce((a, b) => a + b, 0)).toBe(before - liveRows.length);
    expect((await counts(t.store.db)).oauth_tokens).toBe(liveRows.length);
    // The live tokens survived, and the revocations reached them.
    const left = await t.store.db.query<{ revoked_at: string | null }>("SELECT revoked_at FROM oauth_tokens");
    expect(left.every((row) => row.revoked_at !== null)).toBe(true);
  });
});
