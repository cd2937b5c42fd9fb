// Holds many slow connections to a server, as an attacker would: each sends a request's headers or
// body one byte at a time. Runs in its own process (spawned with a raised `ulimit -n`) so that the
// test process needs no more files than usual.
//
// argv[2] is JSON: { port, count, addresses: ["127.0.0.2", …], dribbleMs, connectTimeoutMs,
// connectPhaseMs (no new connection is tried after it), lifetimeMs }.
// Prints one JSON line once every connection was tried ({ ready, connected, failed, open }), then one
// per "status" line read on stdin ({ open, closed }). Exits on stdin's end or after lifetimeMs.
import { connect } from "node:net";
import { createInterface } from "node:readline";

const { port, count, addresses, dribbleMs, connectTimeoutMs, connectPhaseMs, lifetimeMs } = JSON.parse(
  process.argv[2],
);
const BATCH = 100;
/** Writes are spread over this many slices of dribbleMs, so the server never gets them in one burst. */
const SLICES = 20;

const open = new Set();
/** Socket errors (failed connects, resets by the server), by code. */
const errors = {};
let connected = 0;
let failed = 0;
let closed = 0;

/** Every other connection dribbles its headers; the rest send headers and dribble a body. */
function start(socket, index) {
  if (index % 2 === 0) {
    socket.write("POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
    socket.dribble = "a";
  } else {
    socket.write(
      "POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 10000\r\n\r\n",
    );
    socket.dribble = "g";
  }
}

function open1(index) {
  return new Promise((done) => {
    const socket = connect({ port, host: "127.0.0.1", localAddress: addresses[index % addresses.length] });
    socket.slice = index % SLICES;
    const timer = setTimeout(() => socket.destroy(new Error("connect timeout")), connectTimeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      connected++;
      open.add(socket);
      start(socket, index);
      done();
    });
    socket.on("data", () => {});
    socket.on("error", (error) => {
      errors[error.code ?? error.message] = (errors[error.code ?? error.message] ?? 0) + 1;
    });
    socket.once("close", () => {
      clearTimeout(timer);
      if (open.delete(socket)) closed++;
      else {
        failed++;
        done();
      }
    });
  });
}

let slice = 0;
const dribble = setInterval(
  () => {
    for (const socket of open) if (socket.slice === slice && !socket.destroyed) socket.write(socket.dribble);
    slice = (slice + 1) % SLICES;
  },
  Math.max(1, Math.floor(dribbleMs / SLICES)),
);

const print = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);
const finish = () => {
  clearInterval(dribble);
  for (const socket of open) socket.destroy();
  process.exit(0);
};
setTimeout(finish, lifetimeMs).unref();

const connectUntil = Date.now() + connectPhaseMs;
for (let first = 0; first < count && Date.now() < connectUntil; first += BATCH) {
  const batch = [];
  for (let i = first; i < Math.min(count, first + BATCH); i++) batch.push(open1(i));
  await Promise.all(batch);
}
print({ ready: true, connected, failed, open: open.size, errors });

const input = createInterface({ input: process.stdin });
input.on("line", (line) => {
  if (line.trim() === "status") print({ open: open.size, closed });
});
input.on("close", finish);
