/**
 * SQLite group commit (storage/sqlite-group-commit.ts), on a real SQLite file: over generated sets
 * of concurrent transactions — each writes rows, some fail (a thrown error, a UNIQUE violation
 * after writing) — every transaction that succeeds is committed with all its rows, every one that
 * fails leaves none and is rejected with its own error, each sees the rows of those before it, and
 * the batch is committed with synchronous=FULL whenever one of its transactions asked for full
 * durability.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import fc from "fast-check";
import type { Durability, SqlExecutor } from "../../src/storage/database";
import { Mutex } from "../../src/storage/mutex";
import { GroupCommit } from "../../src/storage/sqlite-group-commit";

interface Planned {
  rows: number;
  failure: "none" | "throw" | "unique";
  durability: Durability;
}

const planned = fc.record({
  rows: fc.integer({ min: 0, max: 3 }),
  failure: fc.constantFrom<Planned["failure"]>("none", "none", "throw", "unique"),
  durability: fc.constantFrom<Durability>("relaxed", "relaxed", "full"),
});

describe("GroupCommit on a real SQLite file", () => {
  let dir: string;
  let db: DatabaseSync;
  let execs: string[];
  let group: GroupCommit;
  const lock = new Mutex();

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "group-commit-"));
    db = new DatabaseSync(join(dir, "t.db"));
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = FULL");
    db.exec("CREATE TABLE t (id TEXT PRIMARY KEY, tx INTEGER NOT NULL)");
    const direct: SqlExecutor = {
      query: async (sql, params = []) => db.prepare(sql).all(...(params as never[])) as never,
      execute: async (sql, params = []) => ({
        rowCount: Number(db.prepare(sql).run(...(params as never[])).changes),
      }),
    };
    group = new GroupCommit({
      exec: (sql) => {
        execs.push(sql);
        db.exec(sql);
      },
      isTransaction: () => db.isTransaction,
      direct,
      translate: (error) => error,
      locked: (work) => lock.run(work),
    });
  });
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("each transaction commits whole or not at all, alone, seeing those before it", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(planned, { minLength: 1, maxLength: 12 }), async (plans) => {
        run += 1;
        db.exec("DELETE FROM t");
        execs = [];
        const seen: number[] = [];
        // All started in one tick: they wait together, the first one (the blocker) in front.
        const blocker = group.run(async (tx) => {
          await tx.execute("INSERT INTO t (id, tx) VALUES (?, ?)", [`blocker-${run}`, -1]);
        }, "relaxed");
        const outcomes = plans.map((plan, index) =>
          group
            .run(async (tx) => {
              const [{ n }] = (await tx.query("SELECT count(*) AS n FROM t")) as [{ n: number }];
              seen[index] = Number(n);
              for (let row = 0; row < plan.rows; row++)
                await tx.execute("INSERT INTO t (id, tx) VALUES (?, ?)", [`${index}-${row}`, index]);
              if (plan.failure === "throw") throw new Error(`planned failure ${index}`);
              if (plan.failure === "unique")
                await tx.execute("INSERT INTO t (id, tx) VALUES (?, ?)", [`blocker-${run}`, index]);
              return index;
            }, plan.durability)
            .then(
              (value) => ({ ok: true as const, value }),
              (error: Error) => ({ ok: false as const, message: error.message }),
            ),
        );
        await blocker;
        const results = await Promise.all(outcomes);

        const rows = db.prepare("SELECT id, tx FROM t WHERE tx >= 0 ORDER BY id").all() as {
          id: string;
          tx: number;
        }[];
        let before = 1; // the blocker's row
        plans.forEach((plan, index) => {
          const result = results[index]!;
          if (plan.failure === "none") expect(result).toEqual({ ok: true, value: index });
          else if (plan.failure === "throw")
            expect(result).toEqual({ ok: false, message: `planned failure ${index}` });
          else expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/UNIQUE/) });
          expect(rows.filter((row) => row.tx === index)).toHaveLength(
            plan.failure === "none" ? plan.rows : 0,
          );
          expect(seen[index]).toBe(before);
          if (plan.failure === "none") before += plan.rows;
        });
        // One commit for the whole batch, with FULL whenever one of them asked for it.
        expect(execs.filter((sql) => sql === "COMMIT")).toHaveLength(1);
        const anyFull = plans.some((plan) => plan.durability === "full");
        const relaxedSwitches = execs.filter((sql) => sql === "PRAGMA synchronous = NORMAL").length;
        expect(relaxedSwitches).toBe(anyFull ? 0 : 1);
        expect(db.isTransaction).toBe(false);
      }),
      { numRuns: 150 },
    );
  });
});
