// A crowd of slow clients must not starve a load balancer's health probe. 2,000 connections that
// dribble their headers or a body (one byte every 2 s each, from 127.0.0.2–127.0.0.11, 200 per
// address, under the per-address cap) are held by a separate process, while /healthz is probed from
// 127.0.0.1 on a fresh connection each time, as a load balancer does.
//
// Under a roomy open-files limit the server holds all 2,000 and answers beside them. Under 1,024 open
// files (the setting, where 1,100 such connections made /healthz fail) it holds what fits
// and closes the oldest unfinished connections to make room for each probe.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AuthServer, startAuthServer } from "../../helpers/built-server";
import { type Holder, percentile, probeHealthz, startHolder } from "./sockets";

const SLOW = 2_000;
const ADDRESSES = Array.from({ length: 10 }, (_, i) => `127.0.0.${i + 2}`);
const PROBES = 300;
const P99_MS = 100;
/** One probe's patience, and the failures after which probing stops (bounds the run). */
const PROBE_TIMEOUT_MS = 1_000;
const MAX_FAILURES = 10;
/** The holder needs a file per connection; it runs under this limit. */
const HOLDER_OPEN_FILES = 8_192;
/** Timeouts longer than the test, so that it is the caps, not the timeouts, that keep room. */
const LONG_TIMEOUTS = ["--headers-timeout", "120", "--request-timeout", "120"];

let dir: string;
let server: AuthServer | undefined;
let holder: Holder | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "slow-healthz-"));
});

afterEach(async () => {
  await holder?.stop();
  await server?.stop();
  holder = server = undefined;
  rmSync(dir, { recursive: true, force: true });
}, 20_000);

async function probe(port: number): Promise<{ times: number[]; failures: number }> {
  const times: number[] = [];
  let failures = 0;
  for (let i = 0; i < PROBES && failures < MAX_FAILURES; i++) {
    const { ok, ms } = await probeHealthz(port, PROBE_TIMEOUT_MS);
    if (ok) times.push(ms);
    else failures++;
  }
  return { times, failures };
}

/** The open-files limit the server runs under, and the connections it can then hold at most. */
test.each([
  { openFiles: 16_384, holds: SLOW },
  { openFiles: 1_024, holds: 1_024 - 128 },
])(
  "/healthz answers within 100 ms at p99 while 2,000 slow connections are held (server under ulimit -n $openFiles)",
  async ({ openFiles, holds }) => {
    server = await startAuthServer(dir, { openFiles, args: LONG_TIMEOUTS });
    holder = startHolder(
      {
        port: server.port,
        count: SLOW,
        addresses: ADDRESSES,
        dribbleMs: 2_000,
        connectTimeoutMs: 3_000,
        connectPhaseMs: 15_000,
        lifetimeMs: 50_000,
      },
      HOLDER_OPEN_FILES,
    );
    const ready = await holder.ready;

    const { times, failures } = await probe(server.port);
    const p99 = times.length ? percentile(times, 99) : Number.POSITIVE_INFINITY;
    const after = await holder.status();
    process.stdout.write(
      `ulimit -n ${openFiles}: /healthz p50 ${percentile(times, 50)?.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms ` +
        `over ${times.length} probes, ${failures} failed; slow connections: ${ready.connected} made, ` +
        `${after.open} still held, socket errors ${JSON.stringify(ready.errors)}\n`,
    );
    expect({ failures, p99Under100: p99 < P99_MS, slowConnected: ready.connected }).toEqual({
      failures: 0,
      p99Under100: true,
      slowConnected: SLOW,
    });
    if (holds >= SLOW) {
      expect(after.open).toBe(SLOW);
    } else {
      expect(after.open).toBeLessThanOrEqual(holds);
      expect(server.output().join("\n")).toContain(`the open-files limit is ${openFiles}`);
    }
  },
  60_000,
);
