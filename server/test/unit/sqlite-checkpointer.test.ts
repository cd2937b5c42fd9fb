/**
 * Checkpoints off the event loop (storage/sqlite-checkpointer.ts), on a real SQLite file: the
 * server's own commits no longer copy the write-ahead log into the database file (that copy and its
 * fsyncs blocked the event loop for 10–100 ms once every 1000 log pages); the checkpointer's thread
 * does, on its timer; the server's connection still checkpoints itself past BACKSTOP_PAGES, so the
 * log stays bounded if the thread falls behind; close() stops the thread and truncates the log.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteDatabase } from "../../src/storage/sqlite";
import { BACKSTOP_PAGES } from "../../src/storage/sqlite-checkpointer";

const PAGE = 4096;
const HOUR = 3_600_000;

describe("SQLite checkpoints run on the checkpointer's thread", () => {
  let dir: string;
  let file: string;
  let db: SqliteDatabase | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "checkpointer-"));
    file = join(dir, "t.db");
  });
  afterEach(async () => {
    await db?.close();
    db = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const size = (path: string) => statSync(path, { throwIfNoEntry: false })?.size ?? 0;

  /**
   * About `pages` log pages of 12 KiB blobs, one blob per commit (four log pages: the blob's three and
   * the table's), as a busy token endpoint writes them; the database file holds them in three.
   */
  async function write(target: SqliteDatabase, pages: number): Promise<void> {
    await target.execute("CREATE TABLE IF NOT EXISTS blobs (id INTEGER PRIMARY KEY, data BLOB)");
    for (let i = 0; i < pages / 4; i++) {
      await target.transaction((tx) =>
        tx.execute("INSERT INTO blobs (data) VALUES (randomblob(?))", [3 * PAGE]),
      );
    }
  }

  it("leaves the log alone in the server's commits, past SQLite's 1000-page threshold", async () => {
    db = new SqliteDatabase(file, { checkpointIntervalMs: HOUR });
    await write(db, 2000);
    // Nothing was copied into the database file: no commit ran a checkpoint.
    expect(size(file)).toBeLessThan(100 * PAGE);
    expect(size(`${file}-wal`)).toBeGreaterThan(2000 * PAGE);
  });

  it("copies the log into the database file on the checkpointer's thread", async () => {
    db = new SqliteDatabase(file, { checkpointIntervalMs: HOUR });
    await write(db, 400);
    await db.checkpointer!.checkpointNow();
    expect(size(file)).toBeGreaterThan(300 * PAGE);
    // Every frame of the log is in the file: a checkpoint of the server's connection finds nothing left.
    const [status] = await db.query<{ log: number; checkpointed: number }>("PRAGMA wal_checkpoint(PASSIVE)");
    expect(status!.checkpointed).toBe(status!.log);
  });

  it("checkpoints on its timer, with no request to", async () => {
    db = new SqliteDatabase(file, { checkpointIntervalMs: 20 });
    await write(db, 400);
    const deadline = Date.now() + 10_000;
    while (size(file) < 300 * PAGE && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(size(file)).toBeGreaterThan(300 * PAGE);
  }, 15_000);

  it("keeps the log bounded by the server's own checkpoint when the thread does not run", async () => {
    db = new SqliteDatabase(file, { checkpointIntervalMs: HOUR });
    await write(db, BACKSTOP_PAGES + 2000);
    // Past the backstop the server's commit checkpointed, and the log started again from its start.
    expect(size(file)).toBeGreaterThan(0.5 * BACKSTOP_PAGES * PAGE);
    expect(size(`${file}-wal`)).toBeLessThan((BACKSTOP_PAGES + 100) * PAGE);
  });

  it("stops the thread on close and truncates the log", async () => {
    const target = new SqliteDatabase(file, { checkpointIntervalMs: 20 });
    await write(target, 100);
    await target.close();
    expect(size(`${file}-wal`)).toBe(0);
    // The database still opens and holds every row.
    db = new SqliteDatabase(file, { checkpointIntervalMs: HOUR });
    const [row] = await db.query<{ n: number }>("SELECT count(*) AS n FROM blobs");
    expect(row!.n).toBe(25);
  });
});
