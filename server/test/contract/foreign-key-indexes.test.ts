import type { Database } from "../../src/storage/database";
import { DATABASES, type DatabaseKind, openTestStore, type TestStore } from "../helpers/test-app";

/**
 * Every column through which a delete of an integration or a user reaches OAuth state (the ON
 * DELETE CASCADE of codes, tokens and sessions, and the sessions a deactivation ends) has an
 * index, so that such a delete looks its rows up instead of reading the table: with a million
 * tokens a scan held SQLite's writer for hundreds of milliseconds (bench/server-at-scale.ts).
 */
const REFERENCING = [
  ["oauth_tokens", "integration_id"],
  ["oauth_tokens", "user_id"],
  ["authorization_codes", "integration_id"],
  ["authorization_codes", "user_id"],
  ["login_sessions", "user_id"],
] as const;

/** The plan of a lookup by `column`, one line per step; PostgreSQL with sequential scans priced out. */
async function lookupPlan(db: Database, table: string, column: string): Promise<string> {
  const lookup = `SELECT 1 FROM ${table} WHERE ${column} = 'some-id'`;
  if (db.dialect === "sqlite") {
    const rows = await db.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${lookup}`);
    return rows.map((row) => row.detail).join("\n");
  }
  // On an empty table PostgreSQL would scan it whatever the indexes; enable_seqscan=off makes it
  // use an index whenever one can answer, so only a missing index leaves a Seq Scan.
  return db.transaction(async (tx) => {
    await tx.execute("SET LOCAL enable_seqscan = off");
    const rows = await tx.query<{ "QUERY PLAN": string }>(`EXPLAIN ${lookup}`);
    return rows.map((row) => row["QUERY PLAN"]).join("\n");
  });
}

describe.each(DATABASES)("foreign key indexes on %s", (kind: DatabaseKind) => {
  let store: TestStore;

  beforeAll(async () => {
    store = await openTestStore(kind);
  });

  afterAll(async () => {
    await store.dispose();
  });

  it.each(REFERENCING)("looks up %s by %s through an index", async (table, column) => {
    const plan = await lookupPlan(store.db, table, column);
    expect(plan).not.toMatch(/\bSCAN\b|Seq Scan/);
    expect(plan).toMatch(new RegExp(`${table}_(integration|user)\\b`));
  });

  if (kind === "sqlite") {
    it.each([
      ["integrations", ["oauth_tokens", "authorization_codes"]],
      ["users", ["oauth_tokens", "authorization_codes", "login_sessions"]],
    ] as const)("deletes from %s without scanning %j", async (parent, children) => {
      const rows = await store.db.query<{ detail: string }>(
        `EXPLAIN QUERY PLAN DELETE FROM ${parent} WHERE id = ?`,
        ["some-id"],
      );
      const plan = rows.map((row) => row.detail);
      for (const child of children) {
        expect(plan).not.toContain(`SCAN ${child}`);
        expect(plan.some((step) => step.startsWith(`SEARCH ${child} USING`))).toBe(true);
      }
    });
  }
});
