// Clean-up: servers, PostgreSQL clusters and temporary folders go away on success, on error and on
// SIGINT/SIGTERM.
import { log, messageOf } from "./common";

const cleanups: { label: string; fn: () => Promise<void> | void }[] = [];

/** Registers a clean-up step; the returned function runs it now (once) and unregisters it. */
export function onCleanup(label: string, fn: () => Promise<void> | void): () => Promise<void> {
  const entry = { label, fn };
  cleanups.push(entry);
  return async () => {
    const index = cleanups.indexOf(entry);
    if (index < 0) return;
    cleanups.splice(index, 1);
    await entry.fn();
  };
}

let cleaningUp: Promise<void> | undefined;

/**
 * Runs every registered clean-up step, the latest first. A second caller (the signal handler and
 * the end of main, say) waits for the run under way rather than exiting in the middle of it.
 */
export function cleanUpAll(): Promise<void> {
  cleaningUp ??= (async () => {
    while (cleanups.length > 0) {
      const entry = cleanups.pop()!;
      try {
        await entry.fn();
      } catch (error) {
        log(`clean-up "${entry.label}" failed: ${messageOf(error)}`);
      }
    }
  })().finally(() => {
    cleaningUp = undefined;
  });
  return cleaningUp;
}

let interrupted = false;
const interruptListeners: (() => void)[] = [];

/** True once SIGINT or SIGTERM arrived: stop starting new work. */
export function isInterrupted(): boolean {
  return interrupted;
}

/** Called on SIGINT/SIGTERM before the clean-up runs (e.g. to stop a running load). */
export function onInterrupt(listener: () => void): void {
  interruptListeners.push(listener);
}

for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const) {
  process.once(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping servers and cleaning up`);
    for (const listener of interruptListeners) listener();
    cleanUpAll().finally(() => process.exit(code));
  });
}

/** Runs a benchmark's main, then the clean-up, and exits with its code (130 after an interrupt). */
export function runMain(main: () => Promise<number>): void {
  main()
    .then(
      (code) => code,
      (error) => {
        log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        return 1;
      },
    )
    .then(async (code) => {
      await cleanUpAll();
      process.exit(interrupted ? 130 : code);
    });
}
