// A client that asks for large responses and never reads them holds its connection (and the
// responses buffered for it) until the idle timeout closes it. Seen through the per-address cap of
// the built server: the address's places are free again once the idle timeout has passed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AuthServer, startAuthServer } from "../../helpers/built-server";
import { openSocket, type Watched } from "./sockets";

const IDLE_S = 1;
const PER_ADDRESS = 2;
const ADDRESS = "127.0.0.40";
/** The OpenAPI document is about 200 KB: 40 of them are more than the kernel's socket buffers hold. */
const UNREAD = "GET /api/v1/openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".repeat(40);
/** Node's timer granularity and scheduling slack. */
const LATE_MS = 1_000;

let dir: string;
let server: AuthServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "slow-readers-"));
  server = await startAuthServer(dir, {
    args: ["--idle-timeout", String(IDLE_S), "--max-connections-per-address", String(PER_ADDRESS)],
  });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 15_000);

async function servesHealthz(watched: Watched): Promise<boolean> {
  watched.socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  for (let i = 0; i < 50 && !watched.received().includes('{"status":"ok"}'); i++) {
    await new Promise((done) => setTimeout(done, 20));
  }
  return watched.received().startsWith("HTTP/1.1 200 ");
}

test("a client that stops reading its responses is disconnected after the idle timeout", async () => {
  const readers: Watched[] = [];
  for (let i = 0; i < PER_ADDRESS; i++) {
    const reader = await openSocket(server.port, ADDRESS);
    reader.socket.pause(); // reads nothing: the server's writes stall
    reader.socket.write(UNREAD);
    readers.push(reader);
  }
  // The readers hold the address's places: one more is refused at once.
  const refused = await openSocket(server.port, ADDRESS);
  expect(await refused.closedWithin(500)).not.toBeNull();

  await new Promise((done) => setTimeout(done, IDLE_S * 1000 + LATE_MS));
  const after = await openSocket(server.port, ADDRESS);
  expect(await after.closedWithin(300)).toBeNull();
  expect(await servesHealthz(after)).toBe(true);
  for (const s of [...readers, refused, after]) s.socket.destroy();
}, 30_000);
