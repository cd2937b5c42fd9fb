import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";

/**
 * Closes a keep-alive connection once it has been answered `maxRequestsPerSocket` times.
 *
 * Node's own `maxRequestsPerSocket` only marks the last response `Connection: close` and then
 * "will not actually close the connection" (its documentation): a client that keeps sending on it
 * (autocannon, a naive pool) gets a 503 for every further request, forever. RFC 9112 §9.6 asks a
 * server that sends `close` to close the connection after that response, which this does: the
 * socket is ended once the last allowed response has been handed to it.
 */
export function closeAtRequestCap(server: Server, maxRequestsPerSocket: number): void {
  if (maxRequestsPerSocket <= 0) return;
  const answered = new WeakMap<Socket, number>();
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    const socket = request.socket;
    const count = (answered.get(socket) ?? 0) + 1;
    answered.set(socket, count);
    if (count >= maxRequestsPerSocket) response.once("finish", () => socket.end());
  });
}
