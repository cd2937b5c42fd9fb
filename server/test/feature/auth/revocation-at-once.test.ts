// Issue 13: verified admin tokens are kept per registry generation, so a burst of requests costs
// one lookup; a revoked token must still be refused by the very next request of every server
// process, whoever revoked it (the CLI, with its own connection to the database).
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../../src/app";
import { createAdminToken, revokeAdminToken } from "../../../src/domain/admin-tokens";
import type { Database } from "../../../src/storage/database";
import { PostgresDatabase } from "../../../src/storage/postgres";
import { SqliteDatabase } from "../../../src/storage/sqlite";
import { DATABASES, type DatabaseKind, startTestApp, type TestApp } from "../../helpers/test-app";

/** Another connection to the same database, as the CLI or a second server process opens. */
function openAgain(kind: DatabaseKind, location: string): Database {
  return kind === "sqlite"
    ? new SqliteDatabase(location)
    : new PostgresDatabase(location, { maxConnections: 4 });
}

async function status(app: FastifyInstance, token: string, url: string): Promise<number> {
  const res = await app.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}` } });
  return res.statusCode;
}

describe.each(DATABASES)("revoking an admin token on %s", (kind) => {
  let t: TestApp;
  let other: Database;
  let id: string;
  beforeAll(async () => {
    t = await startTestApp(kind);
    other = openAgain(kind, t.store.location);
    const created = await t.call({
      method: "POST",
      url: "/api/v1/integrations",
      payload: { name: "Read me", providerName: "Acme", redirectUrls: ["https://app.example.com/cb"] },
    });
    expect(created.statusCode).toBe(201);
    id = created.json().id;
  });
  afterAll(async () => {
    await other?.close();
    await t?.close();
  });

  test.each([
    ["GET one", () => `/api/v1/integrations/${id}`],
    ["a list", () => "/api/v1/integrations"],
    ["whoami", () => "/api/v1/whoami"],
  ])(
    "by another connection: the next %s is refused, right after a burst that succeeded",
    async (label, url) => {
      const name = `burst-${label.replaceAll(" ", "-")}`;
      const { token } = await createAdminToken(t.store.db, name, "viewer", new Date().toISOString());
      const burst = await Promise.all(Array.from({ length: 20 }, () => status(t.app, token, url())));
      expect(burst).toEqual(Array(20).fill(200));
      expect(await revokeAdminToken(other, name)).toBe(true);
      expect(await status(t.app, token, url())).toBe(401);
    },
  );

  test("the other tokens keep working, and a token created after a refusal works at once", async () => {
    const { token } = await createAdminToken(other, "created-late", "viewer", new Date().toISOString());
    expect(await status(t.app, t.tokens.viewer, "/api/v1/whoami")).toBe(200);
    expect(await status(t.app, token, "/api/v1/whoami")).toBe(200);
    expect(await revokeAdminToken(other, "created-late")).toBe(true);
    expect(await status(t.app, token, "/api/v1/whoami")).toBe(401);
    expect(await status(t.app, t.tokens.viewer, "/api/v1/whoami")).toBe(200);
  });
});

describe("two server processes on one PostgreSQL database", () => {
  let a: TestApp;
  let b: { app: FastifyInstance; db: Database };
  beforeAll(async () => {
    a = await startTestApp("postgres");
    const db = new PostgresDatabase(a.store.location, { maxConnections: 10 });
    b = { app: buildApp({ db, logLevel: "silent" }), db };
    await b.app.ready();
  });
  afterAll(async () => {
    await b?.app.close();
    await b?.db.close();
    await a?.close();
  });

  test("a token revoked through one is refused by the other's next request", async () => {
    const { token } = await createAdminToken(a.store.db, "shared", "viewer", new Date().toISOString());
    for (const app of [a.app, b.app]) expect(await status(app, token, "/api/v1/whoami")).toBe(200);
    expect(await revokeAdminToken(a.store.db, "shared")).toBe(true);
    expect(await status(b.app, token, "/api/v1/whoami")).toBe(401);
    expect(await status(a.app, token, "/api/v1/whoami")).toBe(401);
  });
});
