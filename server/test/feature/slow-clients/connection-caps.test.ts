// The connection caps of the built server, over real sockets from several loopback addresses (all
// of 127.0.0.0/8 is loopback on Linux): one address cannot hold more than its share, and a full
// server makes room for a newcomer by closing its oldest unfinished connection.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, getGlobalDispatcher, setGlobalDispatcher } from "undici";
import { type AuthServer, startAuthServer } from "../../helpers/built-server";
import { openSocket, probeHealthz, type Watched } from "./sockets";

const PER_ADDRESS = 5;
const MAX_CONNECTIONS = 12;
/** "At once": the server closes an excess connection as it accepts it. */
const AT_ONCE_MS = 500;
/** Long enough to see that a connection was left open. */
const KEPT_MS = 300;

let dir: string;
let server: AuthServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "slow-caps-"));
  server = await startAuthServer(dir, {
    args: [
      "--max-connections-per-address",
      String(PER_ADDRESS),
      "--max-connections",
      String(MAX_CONNECTIONS),
    ],
  });
  // The readiness check's keep-alive connection would be the server's oldest: closed, so that every
  // connection the server holds is one of this test's.
  await getGlobalDispatcher().close();
  setGlobalDispatcher(new Agent());
  await new Promise((done) => setTimeout(done, 100));
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 15_000);

const healthz = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

async function answers(watched: Watched): Promise<string> {
  watched.socket.write(healthz);
  for (let i = 0; i < 50 && !watched.received().includes('{"status":"ok"}'); i++) {
    await new Promise((done) => setTimeout(done, 20));
  }
  return watched.received().split("\r\n")[0]!;
}

test("more connections from one address than the per-address cap are closed at once", async () => {
  const sockets: Watched[] = [];
  for (let i = 0; i < PER_ADDRESS + 3; i++) sockets.push(await openSocket(server.port, "127.0.0.9"));
  const closed = await Promise.all(
    sockets.map((s, i) => s.closedWithin(i < PER_ADDRESS ? KEPT_MS : AT_ONCE_MS)),
  );
  expect(closed.map((ms) => ms !== null)).toEqual([...Array(PER_ADDRESS).fill(false), true, true, true]);
  // The connections within the cap are served, and so is another address.
  for (const s of sockets.slice(0, PER_ADDRESS)) expect(await answers(s)).toBe("HTTP/1.1 200 OK");
  const other = await openSocket(server.port, "127.0.0.10");
  expect(await answers(other)).toBe("HTTP/1.1 200 OK");
  // A closed connection frees its place: one more from the capped address is accepted.
  sockets[0]!.socket.destroy();
  await sockets[0]!.closedWithin(AT_ONCE_MS);
  await new Promise((done) => setTimeout(done, 50));
  const again = await openSocket(server.port, "127.0.0.9");
  expect(await again.closedWithin(KEPT_MS)).toBeNull();
  for (const s of [...sockets, other, again]) s.socket.destroy();
}, 30_000);

test("at the connection cap, a newcomer is served and the oldest unfinished connection is closed", async () => {
  // Silent connections from several addresses (each under the per-address cap) fill the server.
  const silent: Watched[] = [];
  for (let i = 0; i < MAX_CONNECTIONS; i++) {
    silent.push(await openSocket(server.port, `127.0.1.${1 + (i % 4)}`));
    await new Promise((done) => setTimeout(done, 10)); // accepted in this order
  }
  expect(await silent.at(-1)!.closedWithin(KEPT_MS)).toBeNull();
  const probe = await probeHealthz(server.port, 2_000);
  expect(probe.ok).toBe(true);
  const closed = await Promise.all(silent.map((s, i) => s.closedWithin(i === 0 ? AT_ONCE_MS : 50)));
  expect(closed.map((ms) => ms !== null)).toEqual([true, ...Array(MAX_CONNECTIONS - 1).fill(false)]);
  for (const s of silent) s.socket.destroy();
}, 30_000);
