// The one free-port probe and readiness wait of the tests, the benchmarks and the scripts.
import { createServer } from "node:net";

/** A TCP port nothing listens on right now (it may be taken before the caller binds it). */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.once("error", fail);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? done(port) : fail(new Error("could not determine a free TCP port"))));
    });
  });
}

export interface WaitReadyOptions {
  timeoutMs: number;
  /** Why the process behind the URL is gone (its exit code or signal), or undefined while it runs. */
  exited(): string | undefined;
  /** A further condition besides the 2xx (e.g. a file the server writes once it is up). */
  also?: () => boolean;
}

/** Polls GET url every 100 ms until it answers 2xx; throws when the process exits or time runs out. */
export async function waitReady(url: string, options: WaitReadyOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let last = "no answer yet";
  for (;;) {
    const exit = options.exited();
    if (exit !== undefined) throw new Error(`the process exited (${exit}) before it was ready`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      const body = await response.text();
      if (response.ok && (options.also?.() ?? true)) return;
      last = `${response.status} ${body.slice(0, 200)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) {
      throw new Error(`GET ${url} did not answer 2xx within ${options.timeoutMs / 1000} s (last: ${last})`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
}
