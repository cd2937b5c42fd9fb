import type { IncomingMessage, Server } from "node:http";
import type { Socket } from "node:net";
import type { ConnectionCaps, HttpTimeouts } from "./limits";

/** How many of the oldest connections are looked at for one to shed before the newcomer is refused. */
const SHED_SCAN = 64;
/** Refusals are logged in one summary line per interval, not one line per connection. */
const LOG_INTERVAL_MS = 10_000;

export interface CapsLog {
  warn(details: object, message: string): void;
}

export interface CapsCounters {
  open: number;
  refusedForAddress: number;
  shed: number;
  refusedAtCap: number;
}

/**
 * Caps the connections of `server`, overall and per remote address, at the moment they are accepted.
 *
 * - More than `maxConnectionsPerAddress` from one address: the newcomer is destroyed at once.
 * - At `maxConnections`, the oldest connection that is not serving a complete request (still sending
 *   headers or a body, or idle between keep-alive requests) is closed to make room, so a slow crowd
 *   cannot starve a newcomer such as a load balancer's /healthz probe; only when the oldest ones are
 *   all busy is the newcomer refused. A connection serving one request for longer than the request
 *   timeout (a response read one byte at a time) no longer counts as busy.
 */
export function capConnections(
  server: Server,
  caps: ConnectionCaps & Pick<HttpTimeouts, "requestTimeoutMs">,
  log: CapsLog,
): () => CapsCounters {
  /** Open connections in the order they were accepted, each with its remote address. */
  const open = new Map<Socket, string>();
  const perAddress = new Map<string, number>();
  /** The request a connection is serving, from its headers until its response is done, and since when. */
  const serving = new WeakMap<Socket, { request: IncomingMessage; since: number }>();
  const counters = { refusedForAddress: 0, shed: 0, refusedAtCap: 0 };
  let logged = { ...counters };
  let lastLog = 0;

  const release = (socket: Socket) => {
    const address = open.get(socket);
    if (address === undefined) return;
    open.delete(socket);
    const left = (perAddress.get(address) ?? 1) - 1;
    if (left > 0) perAddress.set(address, left);
    else perAddress.delete(address);
  };

  const busy = (socket: Socket) => {
    const current = serving.get(socket);
    return current?.request.complete === true && Date.now() - current.since < caps.requestTimeoutMs;
  };

  /** Closes the oldest connection that is not busy; false when the oldest SHED_SCAN are all busy. */
  const shedOne = () => {
    let looked = 0;
    for (const socket of open.keys()) {
      if (looked++ >= SHED_SCAN) return false;
      if (!busy(socket)) {
        release(socket);
        socket.destroy();
        return true;
      }
    }
    return false;
  };

  let scheduled = false;
  /** Logs now, or once the interval since the last line has passed, so a burst's counts are never lost. */
  const report = () => {
    const wait = lastLog + LOG_INTERVAL_MS - Date.now();
    if (wait > 0) {
      if (!scheduled) {
        scheduled = true;
        setTimeout(() => {
          scheduled = false;
          report();
        }, wait).unref();
      }
      return;
    }
    lastLog = Date.now();
    const since = {
      refusedForAddress: counters.refusedForAddress - logged.refusedForAddress,
      shed: counters.shed - logged.shed,
      refusedAtCap: counters.refusedAtCap - logged.refusedAtCap,
    };
    logged = { ...counters };
    log.warn(
      { ...caps, open: open.size, ...since },
      "connection caps reached: connections over the per-address cap were refused, or the oldest unfinished connections were closed to make room (counts since the last report)",
    );
  };

  // A backstop should the count above lag: a shed socket's file closes on the next turn of the event
  // loop. The open-files budget (open-files.ts) keeps more than SHED_SCAN files in reserve.
  server.maxConnections = caps.maxConnections + SHED_SCAN;

  server.on("request", (request: IncomingMessage, response) => {
    const socket = request.socket;
    serving.set(socket, { request, since: Date.now() });
    response.once("close", () => {
      if (serving.get(socket)?.request === request) serving.delete(socket);
    });
  });

  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress ?? "";
    const fromAddress = perAddress.get(address) ?? 0;
    if (caps.maxConnectionsPerAddress > 0 && fromAddress >= caps.maxConnectionsPerAddress) {
      counters.refusedForAddress++;
      socket.destroy();
      return report();
    }
    if (open.size >= caps.maxConnections) {
      if (shedOne()) counters.shed++;
      else {
        counters.refusedAtCap++;
        socket.destroy();
        return report();
      }
      report();
    }
    open.set(socket, address);
    perAddress.set(address, fromAddress + 1);
    socket.once("close", () => release(socket));
  });

  return () => ({ open: open.size, ...counters });
}
