// Slow clients against the built server, over real sockets: every state in which a client can hold
// a connection without finishing a request has a deadline set by a `serve` flag. The flags here are
// short so the test runs in seconds; Node checks the header and request deadlines every quarter of
// the shortest one, and keeps an idle keep-alive connection one second past its timeout.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { type AuthServer, startAuthServer } from "../../helpers/built-server";
import { dribble, openSocket } from "./sockets";

const HEADERS_S = 1;
const REQUEST_S = 2;
const KEEP_ALIVE_S = 1;
const MAX_REQUESTS = 3;
/** Node's checking interval (a quarter of the shortest deadline) and scheduling slack. */
const LATE_MS = 250 + 600;
/** Node keeps idle keep-alive connections this long past keepAliveTimeout (keepAliveTimeoutBuffer). */
const KEEP_ALIVE_GRACE_MS = 1_000;

let dir: string;
let server: AuthServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "slow-clients-"));
  server = await startAuthServer(dir, {
    args: [
      "--headers-timeout",
      String(HEADERS_S),
      "--request-timeout",
      String(REQUEST_S),
      "--keep-alive-timeout",
      String(KEEP_ALIVE_S),
      "--max-requests-per-socket",
      String(MAX_REQUESTS),
    ],
  });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 15_000);

const HEADERS = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ";
const BODY_HEADERS =
  "POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
  "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 10000\r\n\r\n";

/** A slow client's pattern: what it dribbles, how fast, and the deadline that must close it. */
const slowClient = fc.record({
  kind: fc.constantFrom("silent", "headers", "body"),
  everyMs: fc.integer({ min: 100, max: 900 }),
});
const deadlineMs = (kind: string) => (kind === "body" ? REQUEST_S : HEADERS_S) * 1000;

test("connections that dribble their headers or body, or send nothing, are closed within the header and request timeouts", async () => {
  const clients = fc.sample(slowClient, { numRuns: 24, seed: 10_5 });
  const results = await Promise.all(
    clients.map(async ({ kind, everyMs }) => {
      const { socket, closedWithin } = await openSocket(server.port);
      if (kind === "headers") {
        socket.write(HEADERS);
        dribble(socket, "a", everyMs);
      }
      if (kind === "body") {
        socket.write(BODY_HEADERS);
        dribble(socket, "g", everyMs);
      }
      const closedAfter = await closedWithin(deadlineMs(kind) + LATE_MS);
      socket.destroy();
      return { kind, everyMs, closedAfter };
    }),
  );
  const outOfTime = results.filter(({ kind, closedAfter }) => {
    const deadline = deadlineMs(kind);
    return closedAfter === null || closedAfter < deadline * 0.9 || closedAfter > deadline + LATE_MS;
  });
  expect(outOfTime).toEqual([]);
}, 30_000);

test("an idle keep-alive connection is closed within the keep-alive timeout", async () => {
  const { socket, received, closedWithin } = await openSocket(server.port);
  socket.write(`${HEADERS}1\r\n\r\n`);
  const limit = (KEEP_ALIVE_S + REQUEST_S) * 1000 + KEEP_ALIVE_GRACE_MS;
  const closedAfter = await closedWithin(limit);
  socket.destroy();
  expect(closedAfter).not.toBeNull();
  expect(closedAfter).toBeLessThanOrEqual(KEEP_ALIVE_S * 1000 + KEEP_ALIVE_GRACE_MS + LATE_MS);
  expect(received()).toMatch(/^HTTP\/1\.1 200 /);
  expect(received()).toMatch(new RegExp(`keep-alive: timeout=${KEEP_ALIVE_S}`, "i"));
}, 30_000);

test("a client that keeps sending after the last allowed request finds the connection closed, never a 503", async () => {
  // autocannon and naive pools send the next request on the same socket whatever the previous
  // answer said; Node's own cap would answer each of them 503 on a connection it never closes.
  const extra = 2;
  const { socket, received, closedWithin } = await openSocket(server.port);
  const answers = () => received().match(/HTTP\/1\.1 \d+/g) ?? [];
  for (let i = 0; i < MAX_REQUESTS + extra && !socket.destroyed; i++) {
    socket.write(`${HEADERS}${i}\r\n\r\n`);
    const deadline = Date.now() + 2_000;
    while (answers().length <= i && !socket.destroyed && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  // Closed at once, not by the keep-alive timeout (which needs an idle connection: this one never was).
  const closedAfter = await closedWithin(KEEP_ALIVE_S * 1000);
  socket.destroy();
  expect(closedAfter).not.toBeNull();
  expect(answers()).toEqual(Array(MAX_REQUESTS).fill("HTTP/1.1 200"));
}, 30_000);

test("a keep-alive connection is closed after the maximum number of requests per socket", async () => {
  const { socket, received, closedWithin } = await openSocket(server.port);
  for (let i = 0; i < MAX_REQUESTS; i++) socket.write(`${HEADERS}${i}\r\n\r\n`);
  const closedAfter = await closedWithin(KEEP_ALIVE_S * 1000 + KEEP_ALIVE_GRACE_MS + LATE_MS);
  socket.destroy();
  expect(closedAfter).not.toBeNull();
  const answers = received().match(/HTTP\/1\.1 \d+/g) ?? [];
  expect(answers).toEqual(Array(MAX_REQUESTS).fill("HTTP/1.1 200"));
  const last = received().slice(received().lastIndexOf("HTTP/1.1 "));
  expect(last).toMatch(/\r\nconnection: close\r\n/i);
}, 30_000);
