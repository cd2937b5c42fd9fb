import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { uuidv7 } from "../../src/domain/ids";
import {
  type Database,
  ForeignKeyViolation,
  isForeignKeyViolation,
  isUniqueViolation,
  UniqueViolation,
} from "../../src/storage/database";
import { MIGRATIONS } from "../../src/storage/migrations";
import { PostgresDatabase } from "../../src/storage/postgres";
import { SqliteDatabase } from "../../src/storage/sqlite";
import { createTestDatabase } from "../helpers/postgres-database";
import { DATABASES, type DatabaseKind, openTestStore, type TestStore } from "../helpers/test-app";

const NOW = "2025-06-01T12:00:00.000Z";

/** Inserts an auth scope row (tables from the real migrations) and returns its id. */
async function insertScope(db: Pick<Database, "execute">, name: string, id = uuidv7()): Promise<string> {
  await db.execute(
    "INSERT INTO auth_scopes (id, name, document, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
    [id, name, JSON.stringify({ description: "" }), 1, NOW, NOW],
  );
  return id;
}

async function insertIntegration(db: Pick<Database, "execute">, name: string): Promise<string> {
  const id = uuidv7();
  await db.execute(
    `INSERT INTO integrations (id, name, document, version, created_at, updated_at, client_id)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    [id, name, "{}", 1, NOW, NOW, `client-${id}`],
  );
  return id;
}

async function countOf(
  db: Database,
  table: string,
  where = "1 = 1",
  params: unknown[] = [],
): Promise<number> {
  const rows = await db.query<{ n: number | string }>(
    `SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`,
    params,
  );
  return Number(rows[0]?.n);
}

/** The error a promise rejects with (fails the test when it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection, but the promise resolved");
}

describe.each(DATABASES)("storage conformance on %s", (kind: DatabaseKind) => {
  let store: TestStore;
  let db: Database;

  beforeEach(async () => {
    store = await openTestStore(kind);
    db = store.db;
  });

  afterEach(async () => {
    await store.dispose();
  });

  it("names its dialect", () => {
    expect(db.dialect).toBe(kind);
  });

  describe("migrations", () => {
    it("records one schema_migrations row per migration", async () => {
      const rows = await db.query<{ id: number | string; name: string }>(
        "SELECT id, name FROM schema_migrations ORDER BY id",
      );
      expect(rows.map((row) => ({ id: Number(row.id), name: row.name }))).toEqual(
        MIGRATIONS.map(({ id, name }) => ({ id, name })),
      );
    });

    it("treats migrate() run twice more as a no-op: same rows, same applied_at, data kept", async () => {
      const before = await db.query("SELECT id, name, applied_at FROM schema_migrations ORDER BY id");
      const scopeId = await insertScope(db, "kept-across-migrate");
      await db.migrate();
      await db.migrate();
      expect(await db.query("SELECT id, name, applied_at FROM schema_migrations ORDER BY id")).toEqual(
        before,
      );
      expect(await countOf(db, "schema_migrations")).toBe(MIGRATIONS.length);
      expect(await countOf(db, "auth_scopes", "id = ?", [scopeId])).toBe(1);
    });

    it("survives concurrent migrate() calls on one handle", async () => {
      await Promise.all([db.migrate(), db.migrate(), db.migrate()]);
      expect(await countOf(db, "schema_migrations")).toBe(MIGRATIONS.length);
    });
  });

  describe("transactions", () => {
    it("returns the value of the function it runs, and commits its writes", async () => {
      const id = await db.transaction(async (tx) => insertScope(tx, "committed"));
      expect(await db.query("SELECT name FROM auth_scopes WHERE id = ?", [id])).toEqual([
        { name: "committed" },
      ]);
    });

    it("commits nothing when the function throws, and rethrows that very error", async () => {
      const failure = new Error("change of mind");
      const error = await rejectionOf(
        db.transaction(async (tx) => {
          await insertScope(tx, "rolled-back-1");
          await insertScope(tx, "rolled-back-2");
          throw failure;
        }),
      );
      expect(error).toBe(failure);
      expect(await countOf(db, "auth_scopes", "name IN (?, ?)", ["rolled-back-1", "rolled-back-2"])).toBe(0);
    });

    it("stays usable after a rolled-back transaction", async () => {
      await rejectionOf(
        db.transaction(async (tx) => {
          await insertScope(tx, "first-try");
          throw new Error("boom");
        }),
      );
      await db.transaction((tx) => insertScope(tx, "second-try"));
      expect(await countOf(db, "auth_scopes", "name = ?", ["second-try"])).toBe(1);
      expect(await countOf(db, "auth_scopes", "name = ?", ["first-try"])).toBe(0);
    });

    it("rolls back the earlier writes of a transaction that hits a constraint violation", async () => {
      await insertScope(db, "taken");
      const error = await rejectionOf(
        db.transaction(async (tx) => {
          await insertScope(tx, "written-before-the-violation");
          await insertScope(tx, "taken");
        }),
      );
      expect(isUniqueViolation(error)).toBe(true);
      expect(await countOf(db, "auth_scopes", "name = ?", ["written-before-the-violation"])).toBe(0);
    });
  });

  describe("constraint errors are normalised", () => {
    it("reports a duplicate UNIQUE column as a UniqueViolation (and not as a foreign key one)", async () => {
      await insertScope(db, "duplicate-name");
      const error = await rejectionOf(insertScope(db, "duplicate-name"));
      expect(isUniqueViolation(error)).toBe(true);
      expect(error).toBeInstanceOf(UniqueViolation);
      expect(isForeignKeyViolation(error)).toBe(false);
    });

    it("reports a duplicate PRIMARY KEY as a UniqueViolation", async () => {
      const id = await insertScope(db, "pk-one");
      const error = await rejectionOf(insertScope(db, "pk-two", id));
      expect(isUniqueViolation(error)).toBe(true);
    });

    it("reports a UNIQUE violation inside a transaction the same way", async () => {
      await insertScope(db, "in-tx");
      const error = await rejectionOf(db.transaction((tx) => insertScope(tx, "in-tx")));
      expect(isUniqueViolation(error)).toBe(true);
    });

    it("reports a join row pointing at a missing auth scope as a ForeignKeyViolation", async () => {
      const integrationId = await insertIntegration(db, "fk-owner");
      const error = await rejectionOf(
        db.execute("INSERT INTO integration_auth_scopes (owner_id, target_id, position) VALUES (?, ?, ?)", [
          integrationId,
          uuidv7(),
          0,
        ]),
      );
      expect(isForeignKeyViolation(error)).toBe(true);
      expect(error).toBeInstanceOf(ForeignKeyViolation);
      expect(isUniqueViolation(error)).toBe(false);
      expect(await countOf(db, "integration_auth_scopes")).toBe(0);
    });

    it("reports a join row with a missing owner as a ForeignKeyViolation, inside a transaction too", async () => {
      const scopeId = await insertScope(db, "fk-target");
      const error = await rejectionOf(
        db.transaction((tx) =>
          tx.execute("INSERT INTO integration_auth_scopes (owner_id, target_id, position) VALUES (?, ?, ?)", [
            uuidv7(),
            scopeId,
            0,
          ]),
        ),
      );
      expect(isForeignKeyViolation(error)).toBe(true);
    });

    // SQLite reports an ON DELETE RESTRICT refusal as SQLITE_CONSTRAINT_TRIGGER (1811), not 787.
    it("refuses to delete a still-referenced auth scope (ON DELETE RESTRICT) with a ForeignKeyViolation", async () => {
      const scopeId = await insertScope(db, "referenced");
      const integrationId = await insertIntegration(db, "referrer");
      await db.execute(
        "INSERT INTO integration_auth_scopes (owner_id, target_id, position) VALUES (?, ?, ?)",
        [integrationId, scopeId, 0],
      );
      const error = await rejectionOf(db.execute("DELETE FROM auth_scopes WHERE id = ?", [scopeId]));
      expect(isForeignKeyViolation(error)).toBe(true);
      expect(await countOf(db, "auth_scopes", "id = ?", [scopeId])).toBe(1);
    });

    it("deletes the join rows of a deleted owner (ON DELETE CASCADE)", async () => {
      const scopeId = await insertScope(db, "cascade-target");
      const integrationId = await insertIntegration(db, "cascade-owner");
      await db.execute(
        "INSERT INTO integration_auth_scopes (owner_id, target_id, position) VALUES (?, ?, ?)",
        [integrationId, scopeId, 0],
      );
      expect((await db.execute("DELETE FROM integrations WHERE id = ?", [integrationId])).rowCount).toBe(1);
      expect(await countOf(db, "integration_auth_scopes", "owner_id = ?", [integrationId])).toBe(0);
    });

    it("leaves other errors as they are (a missing table is neither kind of violation)", async () => {
      const error = await rejectionOf(db.query("SELECT * FROM no_such_table"));
      expect((error as Error).message).toMatch(/no_such_table|no such table|does not exist/);
      expect(isUniqueViolation(error)).toBe(false);
      expect(isForeignKeyViolation(error)).toBe(false);
    });
  });

  describe("parameters", () => {
    it("binds several ? placeholders in order, in WHERE, IN and LIMIT", async () => {
      for (const name of ["p-a", "p-b", "p-c", "p-d"]) await insertScope(db, name);
      const rows = await db.query<{ name: string }>(
        "SELECT name FROM auth_scopes WHERE name IN (?, ?, ?) AND version = ? AND created_at = ? ORDER BY name DESC LIMIT ?",
        ["p-a", "p-c", "p-d", 1, NOW, 2],
      );
      expect(rows).toEqual([{ name: "p-d" }, { name: "p-c" }]);
    });

    it("passes values containing ?, $1 and quotes through unchanged", async () => {
      const name = `what? $1 'quoted' "double" ?`;
      const id = await insertScope(db, name);
      expect(await db.query("SELECT name FROM auth_scopes WHERE id = ? AND name = ?", [id, name])).toEqual([
        { name },
      ]);
    });

    it("stores booleans passed as parameters as 1 and 0, and matches them as parameters", async () => {
      const insert = (id: string, name: string, builtIn: boolean) =>
        db.execute(
          "INSERT INTO rest_apis (id, name, document, version, created_at, updated_at, built_in) VALUES (?, ?, ?, ?, ?, ?, ?)",
          [id, name, "{}", 1, NOW, NOW, builtIn],
        );
      const yes = uuidv7();
      const no = uuidv7();
      await insert(yes, "bool-true", true);
      await insert(no, "bool-false", false);
      const rows = await db.query<{ id: string; built_in: unknown }>(
        "SELECT id, built_in FROM rest_apis WHERE id IN (?, ?) ORDER BY name",
        [yes, no],
      );
      expect(rows).toEqual([
        { id: no, built_in: 0 },
        { id: yes, built_in: 1 },
      ]);
      expect(await countOf(db, "rest_apis", "id IN (?, ?) AND built_in = ?", [yes, no, true])).toBe(1);
    });

    it("reports how many rows an UPDATE or DELETE changed", async () => {
      await insertScope(db, "rc-1");
      await insertScope(db, "rc-2");
      expect(
        (
          await db.execute("UPDATE auth_scopes SET version = version + 1 WHERE name IN (?, ?)", [
            "rc-1",
            "rc-2",
          ])
        ).rowCount,
      ).toBe(2);
      expect((await db.execute("DELETE FROM auth_scopes WHERE name = ?", ["nobody"])).rowCount).toBe(0);
    });
  });

  describe("concurrency", () => {
    it("lets exactly one of 20 concurrent conditional UPDATE ... WHERE version = ? transactions win", async () => {
      const id = await insertScope(db, "contended");
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          db.transaction(async (tx) => {
            const { rowCount } = await tx.execute(
              "UPDATE auth_scopes SET version = version + 1, document = ? WHERE id = ? AND version = ?",
              [JSON.stringify({ writer: i }), id, 1],
            );
            return rowCount;
          }),
        ),
      );
      expect(results.filter((n) => n === 1)).toHaveLength(1);
      expect(results.filter((n) => n === 0)).toHaveLength(19);
      const [row] = await db.query<{ version: number | string; document: string }>(
        "SELECT version, document FROM auth_scopes WHERE id = ?",
        [id],
      );
      expect(Number(row?.version)).toBe(2);
      expect(JSON.parse(row!.document)).toEqual({ writer: results.indexOf(1) });
    });

    it("commits all of 50 concurrent transactions that insert distinct ids", async () => {
      const ids = await Promise.all(
        Array.from({ length: 50 }, (_, i) => db.transaction((tx) => insertScope(tx, `concurrent-${i}`))),
      );
      expect(new Set(ids).size).toBe(50);
      expect(await countOf(db, "auth_scopes", "name LIKE ?", ["concurrent-%"])).toBe(50);
    });

    it("lets exactly one of 10 concurrent inserts of one name commit; the others get UniqueViolation", async () => {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, () => db.transaction((tx) => insertScope(tx, "raced-name"))),
      );
      expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
      const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
      expect(rejected).toHaveLength(9);
      for (const outcome of rejected) expect(isUniqueViolation(outcome.reason)).toBe(true);
      expect(await countOf(db, "auth_scopes", "name = ?", ["raced-name"])).toBe(1);
    });
  });

  it("answers ping()", async () => {
    await expect(db.ping()).resolves.toBeUndefined();
  });
});

/** A database location that outlives the handle, for the reopen tests. */
async function freshLocation(kind: DatabaseKind) {
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "inbound-oauth-reopen-"));
    const path = join(dir, "registry.db");
    return {
      open: (): Database => new SqliteDatabase(path),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const pg = await createTestDatabase();
  return { open: (): Database => new PostgresDatabase(pg.url), cleanup: () => pg.drop() };
}

describe.each(DATABASES)("durability on %s", (kind: DatabaseKind) => {
  it("keeps committed rows, and only those, after close() and reopening", async () => {
    const location = await freshLocation(kind);
    try {
      const first = location.open();
      await first.migrate();
      const id = await first.transaction((tx) => insertScope(tx, "durable"));
      await rejectionOf(
        first.transaction(async (tx) => {
          await insertScope(tx, "never-committed");
          throw new Error("rolled back");
        }),
      );
      await first.close();

      const second = location.open();
      try {
        await second.migrate();
        expect(await second.query("SELECT id, name FROM auth_scopes ORDER BY name")).toEqual([
          { id, name: "durable" },
        ]);
        expect(await countOf(second, "schema_migrations")).toBe(MIGRATIONS.length);
      } finally {
        await second.close();
      }
    } finally {
      await location.cleanup();
    }
  });
});

describe("several servers migrating one PostgreSQL database at once", () => {
  it("apply each migration exactly once", async () => {
    const pg = await createTestDatabase();
    const servers = Array.from({ length: 4 }, () => new PostgresDatabase(pg.url, { maxConnections: 2 }));
    try {
      await Promise.all(servers.map((server) => server.migrate()));
      expect(await countOf(servers[0]!, "schema_migrations")).toBe(MIGRATIONS.length);
    } finally {
      await Promise.all(servers.map((server) => server.close()));
      await pg.drop();
    }
  });
});
