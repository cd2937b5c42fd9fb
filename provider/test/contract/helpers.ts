import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { buildApp } from "../../../server/src/app";
import { createAdminToken } from "../../../server/src/domain/admin-tokens";
import { openTestStore } from "../../../server/test/helpers/test-app";
import { check } from "../../src/check";
import { type ClientOptions, ManagementClient } from "../../src/http/client";
import type { ProviderResource } from "../../src/resources";

/** The reference server on an ephemeral port over a fresh SQLite file, with two admin tokens. */
export interface LiveServer {
  url: string;
  /** The token the provider uses. */
  adminToken: string;
  /** Someone else's token, for out-of-band changes. */
  otherToken: string;
  close(): Promise<void>;
}

export async function startServer(): Promise<LiveServer> {
  const store = await openTestStore("sqlite");
  const app = buildApp({ db: store.db, logLevel: "silent" });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as AddressInfo;
  const now = new Date().toISOString();
  return {
    url: `http://127.0.0.1:${port}`,
    adminToken: (await createAdminToken(store.db, "provider-test", "admin", now)).token,
    otherToken: (await createAdminToken(store.db, "console-user", "admin", now)).token,
    async close() {
      await app.close();
      await store.dispose();
    },
  };
}

/** A sleep that waits for nothing and remembers what it was asked to wait. */
export function recordingSleep() {
  const delays: number[] = [];
  return {
    delays,
    sleep: async (ms: number) => {
      delays.push(ms);
    },
  };
}

/** Clients that never really wait, with jitter at its maximum so backoffs are exact. */
export function testClient(url: string, adminToken: string, options: ClientOptions = {}) {
  const recorder = recordingSleep();
  const client = new ManagementClient(
    { endpoint: url, adminToken },
    { sleep: recorder.sleep, random: () => 1, ...options },
  );
  return { client, delays: recorder.delays };
}

/** Inputs as check() makes them (defaults filled); fails the test when they are not valid. */
export function validInputs(kind: ProviderResource, news: Record<string, unknown>): Record<string, unknown> {
  const { inputs, failures } = check(kind, news);
  if (failures.length > 0) throw new Error(`invalid test inputs: ${JSON.stringify(failures)}`);
  return inputs;
}

interface Listening {
  url: string;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
}

/** A small HTTP server on 127.0.0.1 answering with `answer`, the nth request (from 0) being n. */
export async function startFakeServer(
  answer: (req: IncomingMessage, res: ServerResponse, n: number) => void,
) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
      answer(req, res, seen.length - 1);
    });
  });
  return { ...(await listen(server)), seen };
}

/** A JSON or problem+json answer. */
export function reply(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const type = status >= 400 ? "application/problem+json" : "application/json";
  res.writeHead(status, { "content-type": type, ...headers }).end(JSON.stringify(body));
}

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "content-length"]);

/**
 * An HTTP proxy in front of `target` that forwards every request, but for those `drop` picks it closes
 * the client's connection instead of passing the answer on: the server did the work, the client never
 * hears of it (a lost response).
 */
export async function startLossyProxy(target: string, drop: (method: string, url: string) => boolean) {
  const forwarded: string[] = [];
  const dropped: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const upstream = request(
        new URL(req.url ?? "/", target),
        { method: req.method, headers: { ...req.headers, host: new URL(target).host }, agent: false },
        (answer) => {
          const body: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => body.push(chunk));
          answer.on("end", () => {
            const line = `${req.method} ${req.url}`;
            forwarded.push(line);
            if (drop(req.method ?? "", req.url ?? "")) {
              dropped.push(line);
              req.socket.destroy();
              return;
            }
            const headers = Object.fromEntries(
              Object.entries(answer.headers).filter(([name]) => !HOP_BY_HOP.has(name)),
            );
            res.writeHead(answer.statusCode ?? 502, headers).end(Buffer.concat(body));
          });
        },
      );
      upstream.end(Buffer.concat(chunks));
    });
  });
  return { ...(await listen(server)), forwarded, dropped };
}
