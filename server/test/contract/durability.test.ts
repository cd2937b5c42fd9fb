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

  /** The durability setting in force for a statement, as that statement saw it (stored in a row). */
  const settingSql =
    kind === "sqlite"
      ? "(SELECT synchronous FROM pragma_synchronous)"
      : "current_setting('synchronous_commit')";

  test("executeRelaxed commits its one statement by itself, with the relaxed setting, and the durable path stays durable", async () => {
    await store.db.execute("CREATE TABLE IF NOT EXISTS seen_settings (id INTEGER PRIMARY KEY, setting TEXT)");
    const relaxed = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        store.db.executeRelaxed(`INSERT INTO seen_settings (id, setting) VALUES (?, ${settingSql})`, [i]),
      ),
    );
    expect(relaxed.every((r) => r.rowCount === 1)).toBe(true);
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        store.db.execute(`INSERT INTO seen_settings (id, setting) VALUES (?, ${settingSql})`, [100 + i]),
      ),
    );
    const rows = await store.db.query<{ id: number; setting: string }>(
      "SELECT id, setting FROM seen_settings",
    );
    const off = kind === "sqlite" ? "1" : "off";
    const on = kind === "sqlite" ? "2" : "on";
    expect(rows.filter((r) => Number(r.id) < 100).map((r) => String(r.setting))).toEqual(Array(12).fill(off));
    expect(rows.filter((r) => Number(r.id) >= 100).map((r) => String(r.setting))).toEqual(Array(12).fill(on));
  });
});
