import { extname, join } from "node:path";
import { Worker } from "node:worker_threads";

/**
 * SQLite's automatic checkpoint runs inside the COMMIT that crosses its threshold (1000 log pages):
 * that COMMIT copies the log into the database file and fsyncs both, 10–100 ms on this project's
 * disks, and node:sqlite is synchronous, so the whole event loop waits with it. Measured on the
 * refresh bench: 1 % of commits took 73 % of all commit time and set the p99 latency.
 *
 * The checkpointer moves that work to a thread of its own (./sqlite-checkpoint-worker.ts) with its
 * own connection, every `intervalMs`. The server's connection keeps an automatic checkpoint at
 * `BACKSTOP_PAGES` (about 40 MiB of log) in case the thread falls behind or fails, so the log stays
 * bounded. Durability is the committing connection's alone (its synchronous setting): a checkpoint
 * only moves what is already durable in the log, so nothing here changes what a commit promises.
 */
export const BACKSTOP_PAGES = 10_000;

const WORKER_FILE = join(__dirname, `sqlite-checkpoint-worker${extname(__filename)}`);

export class Checkpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(path: string, intervalMs: number, onFailure: (message: string) => void) {
    this.worker = new Worker(WORKER_FILE, { workerData: { path, intervalMs } });
    this.worker.unref();
    this.worker.on("message", (message: { failed?: string }) => {
      if (message.failed) onFailure(message.failed);
    });
    this.worker.on("error", (error) => onFailure(error.message));
    this.exited = new Promise((resolve) => this.worker.once("exit", () => resolve()));
  }

  /** One checkpoint now, answered once it has run (tests). */
  checkpointNow(): Promise<void> {
    this.worker.ref();
    return new Promise((resolve) => {
      const done = (message: { done?: boolean }) => {
        if (!message.done) return;
        this.worker.off("message", done);
        this.worker.unref();
        resolve();
      };
      this.worker.on("message", done);
      this.worker.postMessage({ now: true });
    });
  }

  /** Stops the thread after the checkpoint it may be running, and closes its connection. */
  async stop(): Promise<void> {
    // Held until it exits: an unreferenced thread would let the process end inside this await.
    this.worker.ref();
    this.worker.postMessage({ stop: true });
    await this.exited;
  }
}
