// Proves the PostgreSQL test harness works: globalSetup provides TEST_DATABASE_URL and
// createTestDatabase() hands out isolated, droppable databases on that server.
import { Client } from "pg";
import { createTestDatabase, type TestDatabase } from "../helpers/postgres-database";

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const databaseName = (url: string): string => decodeURIComponent(new URL(url).pathname.slice(1));

describe("PostgreSQL test harness", () => {
  let first: TestDatabase;
  let second: TestDatabase;

  beforeAll(async () => {
    first = await createTestDatabase();
    second = await createTestDatabase();
  });

  afterAll(async () => {
    await Promise.all([first?.drop(), second?.drop()]);
  });

  it("receives TEST_DATABASE_URL from globalSetup", () => {
    expect(process.env.TEST_DATABASE_URL).toMatch(/^postgres(ql)?:\/\//);
  });

  it("creates two distinct databases that can be connected to", async () => {
    expect(first.url).not.toBe(second.url);
    expect(databaseName(first.url)).toMatch(/^t_[0-9a-f]{16}$/);
    expect(databaseName(second.url)).toMatch(/^t_[0-9a-f]{16}$/);
    expect(databaseName(first.url)).not.toBe(databaseName(second.url));

    for (const db of [first, second]) {
      const { rows } = await withClient(db.url, (c) =>
        c.query<{ db: string }>("select current_database() as db"),
      );
      expect(rows).toEqual([{ db: databaseName(db.url) }]);
    }
  });

  it("isolates tables between databases", async () => {
    await withClient(first.url, async (c) => {
      await c.query("create table harness_probe (id int primary key, note text not null)");
      await c.query("insert into harness_probe values (1, 'only in the first database')");
    });

    const inFirst = await withClient(first.url, (c) =>
      c.query<{ note: string }>("select note from harness_probe order by id"),
    );
    expect(inFirst.rows).toEqual([{ note: "only in the first database" }]);

    const inSecond = await withClient(second.url, (c) =>
      c.query<{ t: string | null }>("select to_regclass('public.harness_probe')::text as t"),
    );
    expect(inSecond.rows).toEqual([{ t: null }]);
    await expect(withClient(second.url, (c) => c.query("select * from harness_probe"))).rejects.toMatchObject(
      {
        code: "42P01", // undefined_table
      },
    );
  });

  it("drops databases, even with open connections, so they can no longer be connected to", async () => {
    // A lingering connection must not block the drop.
    const lingering = new Client({ connectionString: first.url });
    lingering.on("error", () => undefined); // terminated by drop()
    await lingering.connect();

    await first.drop();
    await second.drop();
    await lingering.end().catch(() => undefined);

    for (const db of [first, second]) {
      await expect(withClient(db.url, (c) => c.query("select 1"))).rejects.toMatchObject({
        code: "3D000", // invalid_catalog_name: database does not exist
      });
    }

    const serverUrl = process.env.TEST_DATABASE_URL!;
    const remaining = await withClient(serverUrl, (c) =>
      c.query<{ datname: string }>("select datname from pg_database where datname = any($1)", [
        [databaseName(first.url), databaseName(second.url)],
      ]),
    );
    expect(remaining.rows).toEqual([]);

    // drop() is idempotent.
    await expect(first.drop()).resolves.toBeUndefined();
  });
});
