import type { FastifyServerOptions } from "fastify";

/**
 * How long a client may take, and how much of the server it may hold. Every slow state a connection
 * can be in has a deadline: headers arriving (headersTimeout), a body arriving (requestTimeout), idle
 * between keep-alive requests (keepAliveTimeout), a response nobody reads (idleTimeout). The
 * connection caps are applied by the process (see connection-caps.ts and server.ts), not by the app,
 * so tests that inject() are unaffected.
 */
export interface HttpTimeouts {
  /** The request line and headers must arrive within this, from the connection (or, on a keep-alive one, the request's first byte). */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this; not less than headersTimeoutMs. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this (Node adds one second of grace). */
  keepAliveTimeoutMs: number;
  /**
   * A connection with no traffic either way for this long is closed: a client that stops reading
   * its response, or a request stuck in its handler.
   */
  idleTimeoutMs: number;
  /** A connection is closed after this many requests (0: no limit). */
  maxRequestsPerSocket: number;
}

export interface ConnectionCaps {
  /** Open connections at most; the process lowers it to fit the open-files limit. */
  maxConnections: number;
  /** Open connections from one remote address at most (0: no per-address cap). */
  maxConnectionsPerAddress: number;
}

export type HttpLimits = HttpTimeouts & ConnectionCaps;

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 30_000,
  maxRequestsPerSocket: 1_000,
  maxConnections: 10_000,
  maxConnectionsPerAddress: 256,
};

/**
 * Node checks the header and request deadlines on a timer, so a deadline fires up to one interval
 * late: a quarter of the shortest deadline, between 50 ms and one second.
 */
export function checkingIntervalMs(timeouts: HttpTimeouts): number {
  const shortest = Math.min(timeouts.headersTimeoutMs, timeouts.requestTimeoutMs);
  return Math.max(50, Math.min(1_000, Math.floor(shortest / 4)));
}

/** The Fastify constructor options that set the timeouts on its Node HTTP server. */
export function timeoutOptions(timeouts: HttpTimeouts): Partial<FastifyServerOptions> {
  return {
    requestTimeout: timeouts.requestTimeoutMs,
    keepAliveTimeout: timeouts.keepAliveTimeoutMs,
    connectionTimeout: timeouts.idleTimeoutMs,
    maxRequestsPerSocket: timeouts.maxRequestsPerSocket,
    http: {
      headersTimeout: timeouts.headersTimeoutMs,
      connectionsCheckingInterval: checkingIntervalMs(timeouts),
    },
  } as Partial<FastifyServerOptions>;
}
