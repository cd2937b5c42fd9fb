// Issue 13: GET of one record, with a token already verified and a record already read, costs one
// query (the registry generation, which the token check and the record read share), and a change
// is still seen by the next request.
import { buildApp } from "../../../src/app";
import { createAdminToken } from "../../../src/domain/admin-tokens";
import type { Database } from "../../../src/storage/database";
import { DATABASES, integrationBody, openTestStore, type TestStore } from "../../helpers/test-app";

/** The database, counting the statements sent through it. */
function counted(db: Database): { db: Database; statements: string[] } {
  const statements: string[] = [];
  const proxy = new Proxy(db, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== "query" && property !== "execute") return value;
      return (sql: string, params?: unknown[]) => {
        statements.push(sql);
        return (value as Database["query"]).call(target, sql, params);
      };
    },
  });
  return { db: proxy, statements };
}

describe.each(DATABASES)("GET one on %s", (kind) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(kind);
  });
  afterAll(async () => store?.dispose());

  test("one query per request once the token and the record were read; a rename shows at once", async () => {
    const { db, statements } = counted(store.db);
    const app = buildApp({ db, logLevel: "silent" });
    try {
      const { token } = await createAdminToken(store.db, "reader", "admin", new Date().toISOString());
      const headers = { authorization: `Bearer ${token}` };
      const created = await app.inject({
        method: "POST",
        url: "/api/v1/integrations",
        headers,
        payload: integrationBody({ name: "Counted" }),
      });
      expect(created.statusCode).toBe(201);
      const url = `/api/v1/integrations/${created.json().id}`;
      expect((await app.inject({ method: "GET", url, headers })).statusCode).toBe(200);

      statements.length = 0;
      for (let i = 0; i < 3; i++)
        expect((await app.inject({ method: "GET", url, headers })).json().name).toBe("Counted");
      expect(statements).toHaveLength(3);
      expect(new Set(statements).size).toBe(1);
      expect(statements[0]).toMatch(/registry_generation/);

      const current = (await app.inject({ method: "GET", url, headers })).json();
      const renamed = await app.inject({
        method: "PUT",
        url,
        headers: { ...headers, "if-match": `"${current.version}"` },
        payload: integrationBody({ name: "Renamed" }),
      });
      expect(renamed.statusCode).toBe(200);
      expect((await app.inject({ method: "GET", url, headers })).json().name).toBe("Renamed");
    } finally {
      await app.close();
    }
  });
});
