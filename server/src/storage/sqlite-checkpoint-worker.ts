// The checkpointer's thread (./sqlite-checkpointer.ts starts it): its own connection to the
// database file, copying the write-ahead log into the file every `intervalMs` with a PASSIVE
// checkpoint (which never waits for, nor blocks, the server's readers and writers), with
// synchronous=FULL so the log is fsynced before the file is written and the file after. Only Node's
// modules: the thread loads this file alone (as .ts under the tests, .js when built). Written with
// require so that Node reads the .ts file as the CommonJS module it compiles to, without reparsing
// (Node drops the type imports, which make it a module, not a script, for TypeScript).
import type * as Sqlite from "node:sqlite";
import type * as Threads from "node:worker_threads";

const { DatabaseSync } = require("node:sqlite") as typeof Sqlite;
const { parentPort, workerData } = require("node:worker_threads") as typeof Threads;

const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const db = new DatabaseSync(path);
db.exec("PRAGMA busy_timeout = 5000");
db.exec("PRAGMA synchronous = FULL");

let failing = false;
function checkpoint(): void {
  try {
    db.exec("PRAGMA wal_checkpoint(PASSIVE)");
    failing = false;
  } catch (error) {
    // A full disk or an I/O error: the log stays as it is, the server's own automatic checkpoint
    // (at a larger size) is the backstop, and the next tick tries again. Said once per outage.
    if (!failing) parentPort?.postMessage({ failed: (error as Error).message });
    failing = true;
  }
}

const timer = setInterval(checkpoint, intervalMs);
parentPort?.on("message", (message: { stop?: boolean; now?: boolean }) => {
  if (message.now) {
    checkpoint();
    parentPort?.postMessage({ done: true });
  }
  if (message.stop) {
    clearInterval(timer);
    db.close();
    parentPort?.close();
  }
});
