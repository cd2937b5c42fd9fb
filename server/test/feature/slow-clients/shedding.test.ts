// Which connection makes room at the overall cap, over real sockets to an in-process Node HTTP
// server whose handler holds its requests until the test lets them go: the oldest connection that is
// not serving a complete request is closed, and the newcomer is refused only when all are busy.
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { capConnections } from "../../../src/http/connection-caps";
import { openSocket, type Watched } from "./sockets";

const CAP = 4;
/** "At once", and long enough to see that a connection was left open. */
const SETTLE_MS = 150;

/** A Node HTTP server whose handler holds every request, capped at CAP connections. */
async function heldServer(requestTimeoutMs: number) {
  const held: ServerResponse[] = [];
  const warnings: object[] = [];
  const server = createServer((_request, response) => {
    held.push(response);
  });
  capConnections(
    server,
    { maxConnections: CAP, maxConnectionsPerAddress: 0, requestTimeoutMs },
    { warn: (d) => warnings.push(d) },
  );
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return {
    port: (server.address() as AddressInfo).port,
    held,
    warnings,
    release: () => {
      for (const response of held.splice(0)) response.end();
    },
    async close() {
      for (const response of held.splice(0)) response.end();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

let target: Awaited<ReturnType<typeof heldServer>>;

beforeAll(async () => {
  target = await heldServer(60_000);
});

afterAll(() => target.close());

type Kind = "busy" | "slow-headers" | "slow-body" | "idle";

/** A connection in the state `kind`: busy (a complete request its handler holds), or not serving one. */
async function connection(kind: Kind, { port, held } = target): Promise<Watched> {
  const watched = await openSocket(port);
  const before = held.length;
  if (kind === "busy") watched.socket.write("GET /hold HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  if (kind === "slow-headers") watched.socket.write("GET /hold HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a");
  if (kind === "slow-body") {
    watched.socket.write("POST /hold HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nabc");
  }
  // The server has seen the request (busy, slow body) or at least the connection (others).
  for (let i = 0; i < 100 && kind !== "slow-headers" && kind !== "idle" && held.length === before; i++) {
    await new Promise((done) => setTimeout(done, 5));
  }
  await new Promise((done) => setTimeout(done, 10));
  return watched;
}

test("at the cap, the oldest connection not serving a complete request is closed, or the newcomer when all are busy", async () => {
  const kind = fc.constantFrom<Kind>("busy", "slow-headers", "slow-body", "idle");
  await fc.assert(
    fc.asyncProperty(fc.array(kind, { minLength: CAP, maxLength: CAP }), async (kinds) => {
      const open = [];
      for (const k of kinds) open.push(await connection(k));
      const newcomer = await openSocket(target.port);
      const closed = await Promise.all([...open, newcomer].map((s) => s.closedWithin(SETTLE_MS)));
      const oldestIdle = kinds.findIndex((k) => k !== "busy");
      const expected = [...kinds.map((_, i) => i === oldestIdle), oldestIdle === -1];
      for (const s of [...open, newcomer]) s.socket.destroy();
      target.release();
      await new Promise((done) => setTimeout(done, 30)); // the server sees the closes
      expect(closed.map((ms) => ms !== null)).toEqual(expected);
    }),
    { numRuns: 25, seed: 10_5 },
  );
  expect(target.warnings.length).toBeGreaterThan(0);
}, 60_000);

test("a connection serving one request for longer than the request timeout no longer counts as busy", async () => {
  // Long enough that opening CAP connections on a loaded CI machine stays well inside it (at 300 ms
  // the oldest was already "old" there when the newcomer came, so it was shed instead of refused).
  const REQUEST_TIMEOUT_MS = 2_000;
  const SETTLE_LOADED_MS = 1_000;
  const slow = await heldServer(REQUEST_TIMEOUT_MS);
  try {
    const open = [];
    for (let i = 0; i < CAP; i++) open.push(await connection("busy", slow));
    // All busy and young: the newcomer is refused.
    const early = await openSocket(slow.port);
    expect(await early.closedWithin(SETTLE_LOADED_MS)).not.toBeNull();
    await new Promise((done) => setTimeout(done, REQUEST_TIMEOUT_MS));
    // Busy for longer than the request timeout (a response nobody reads): the oldest makes room.
    const late = await openSocket(slow.port);
    await new Promise((done) => setTimeout(done, SETTLE_LOADED_MS));
    // closedWithin(0): whether it closed by now (these were opened more than SETTLE_LOADED_MS ago).
    const closed = await Promise.all([...open, late].map((s) => s.closedWithin(0)));
    expect(closed.map((ms) => ms !== null)).toEqual([true, ...Array(CAP - 1).fill(false), false]);
    for (const s of [...open, early, late]) s.socket.destroy();
  } finally {
    await slow.close();
  }
}, 30_000);
