import { DATABASES, openTestStore, type TestStore } from "../helpers/test-app";

describe.each(DATABASES)("relaxed durability on %s", (kind) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(kind);
  });
  afterAll(async () => store.dispose());

  const now = new Date().toISOString();
  const insert = (name: string) => (tx: Parameters<Parameters<TestStore["db"]["transaction"]>[0]>[0]) =>
    tx.execute(
      "INSERT INTO auth_scopes (id, name, document, version, created_at, updated_at) VALUES (?, ?, '{}', 1, ?, ?)",
      [`00000000-0000-7000-8000-${String(name.length).padStart(12, "0")}`, name, now, now],
    );

  test("a relaxed transaction commits atomically and its rows are visible", async () => {
    await store.db.transaction(insert("relaxed"), { durability: "relaxed" });
    expect(await store.db.query("SELECT name FROM auth_scopes WHERE name = ?", ["relaxed"])).toEqual([
      { name: "relaxed" },
    ]);
  });

  test("a relaxed transaction that throws commits nothing", async () => {
    await expect(
      store.db.transaction(
        async (tx) => {
          await insert("relaxed-failed")(tx);
          throw new Error("boom");
        },
        { durability: "relaxed" },
      ),
    ).rejects.toThrow("boom");
    expect(await store.db.query("SELECT name FROM auth_scopes WHERE name = ?", ["relaxed-failed"])).toEqual(
      [],
    );
  });

  test("a relaxed transaction runs with the relaxed setting (NORMAL on SQLite, synchronous_commit off on PostgreSQL)", async () => {
    const setting = await store.db.transaction(
      async (tx) =>
        kind === "sqlite"
          ? (await tx.query<{ synchronous: number }>("PRAGMA synchronous"))[0]?.synchronous
          : (await tx.query<{ synchronous_commit: string }>("SHOW synchronous_commit"))[0]
              ?.synchronous_commit,
      { durability: "relaxed" },
    );
    expect(setting).toBe(kind === "sqlite" ? 1 : "off");
  });

  test("the relaxed setting does not outlive its transaction: later commits are fully durable", async () => {
    await store.db.transaction(async () => {}, { durability: "relaxed" });
    if (kind === "sqlite") {
      const [row] = await store.db.query<{ synchronous: number }>("PRAGMA synchronous");
      expect(row?.synchronous).toBe(2); // FULL
    } else {
      const values = await Promise.all(
        Array.from({ length: 25 }, () =>
          store.db.transaction(
            async (tx) => (await tx.query<{ synchronous_commit: string }>("SHOW synchronous_commit"))[0],
          ),
        ),
      );
      expect(values.every((v) => v?.synchronous_commit === "on")).toBe(true);
    }
  });
});
