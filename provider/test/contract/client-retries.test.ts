import { createRecord, readRecord } from "../../src/crud";
import { secretFingerprint } from "../../src/fingerprint";
import { AUTHORIZATION_CODE_GRANT_RESOURCE } from "../../src/resources";
import {
  type LiveServer,
  reply,
  startFakeServer,
  startLossyProxy,
  startServer,
  testClient,
  validInputs,
} from "./helpers";

let server: LiveServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

const TOKEN = "ioa_0123456789abcdef0123456789abcdef_secret-part-of-the-admin-token-xyz12";
const RECORD = { id: "0190f0a0-0000-7000-8000-000000000000", name: "x", version: 1 };
const NOT_READY = { code: "NOT_READY", detail: "The server is starting; retry shortly.", status: 503 };

const app = (name: string) =>
  validInputs(AUTHORIZATION_CODE_GRANT_RESOURCE, {
    name,
    providerName: "Acme",
    redirectUrls: ["https://app.example.com/cb"],
  });

describe("a lost response", () => {
  test("a create whose answer is lost is retried with the same Idempotency-Key and replayed: one record", async () => {
    let droppedOne = false;
    const proxy = await startLossyProxy(server.url, (method) => {
      if (method !== "POST" || droppedOne) return false;
      droppedOne = true;
      return true;
    });
    const { client, delays } = testClient(proxy.url, server.adminToken);
    try {
      const { record } = await createRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, app("Lost answer"), {
        seed: "lost",
      });
      expect(proxy.dropped).toEqual(["POST /api/v1/integrations"]);
      expect(proxy.forwarded.filter((line) => line.startsWith("POST"))).toHaveLength(2);
      expect(delays).toEqual([200]);
      const page = await client.get<{ items: { id: string }[] }>("/api/v1/integrations?name=Lost%20answer");
      expect(page.body.items.map((item) => item.id)).toEqual([record.id]);
      const live = await readRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, record.id);
      expect(secretFingerprint(record.clientSecret as string)).toBe(live?.clientSecretFingerprint);
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  test("a POST without an Idempotency-Key is never sent twice, even when its answer is lost", async () => {
    const proxy = await startLossyProxy(server.url, (method) => method === "POST");
    const { client, delays } = testClient(proxy.url, server.adminToken);
    try {
      const error = await client.post("/api/v1/auth-scopes", { name: "once.only" }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "NETWORK_ERROR", attempts: 1 });
      expect(proxy.forwarded).toEqual(["POST /api/v1/auth-scopes"]);
      expect(delays).toEqual([]);
      // It was created: sending it again would have made a second one, or a NAME_TAKEN.
      const page = await client.get<{ items: unknown[] }>("/api/v1/auth-scopes?name=once.only");
      expect(page.body.items).toHaveLength(1);
    } finally {
      await client.close();
      await proxy.close();
    }
  });
});

describe("retries against a fake server", () => {
  test("429 with Retry-After in seconds waits that long, then succeeds", async () => {
    const fake = await startFakeServer((_req, res, n) =>
      n === 0
        ? reply(res, 429, { code: "HTTP_429", detail: "slow down" }, { "retry-after": "7" })
        : reply(res, 200, RECORD, { etag: '"1"' }),
    );
    const { client, delays } = testClient(fake.url, TOKEN);
    try {
      await expect(client.get("/api/v1/integrations/x")).resolves.toMatchObject({
        status: 200,
        etag: '"1"',
        body: RECORD,
      });
      expect(delays).toEqual([7000]);
      expect(fake.seen).toHaveLength(2);
    } finally {
      await client.close();
      await fake.close();
    }
  });

  test("Retry-After as an HTTP date is honoured from the injected clock, and capped", async () => {
    const now = Date.parse("2026-11-28T12:00:00Z");
    const dates = ["Sat, 28 Nov 2026 12:00:05 GMT", "Sat, 28 Nov 2026 13:00:00 GMT"];
    const fake = await startFakeServer((_req, res, n) =>
      n < 2 ? reply(res, 503, NOT_READY, { "retry-after": dates[n]! }) : reply(res, 204, undefined),
    );
    const { client, delays } = testClient(fake.url, TOKEN, { now: () => now, maxRetryAfterMs: 30_000 });
    try {
      await client.delete("/api/v1/auth-scopes/x");
      expect(delays).toEqual([5000, 30_000]);
    } finally {
      await client.close();
      await fake.close();
    }
  });

  test("backoff doubles from the minimum; after the last attempt the server's problem is the error", async () => {
    const fake = await startFakeServer((_req, res) => reply(res, 503, NOT_READY));
    const { client, delays } = testClient(fake.url, TOKEN, { retries: 3, minBackoffMs: 100 });
    try {
      const error = await client
        .put("/api/v1/auth-scopes/x", { name: "x" }, { ifMatch: '"1"' })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "NOT_READY", status: 503, attempts: 4 });
      expect((error as Error).message).toBe("NOT_READY: The server is starting; retry shortly.");
      expect(delays).toEqual([100, 200, 400]);
      expect(fake.seen.map((r) => r.headers["if-match"])).toEqual(['"1"', '"1"', '"1"', '"1"']);
    } finally {
      await client.close();
      await fake.close();
    }
  });

  test("a POST is retried only with an Idempotency-Key, and with the same key each time", async () => {
    const fake = await startFakeServer((_req, res, n) =>
      n < 2 ? reply(res, 503, NOT_READY) : reply(res, 201, RECORD),
    );
    const { client, delays } = testClient(fake.url, TOKEN);
    try {
      await expect(client.post("/api/v1/auth-scopes", { name: "x" })).rejects.toMatchObject({
        code: "NOT_READY",
        attempts: 1,
      });
      expect(delays).toEqual([]);
      const created = await client.post(
        "/api/v1/auth-scopes",
        { name: "x" },
        { idempotencyKey: "key-0123456789abcdef" },
      );
      expect(created.status).toBe(201);
      expect(delays).toEqual([200]);
      expect(fake.seen.slice(1).map((r) => r.headers["idempotency-key"])).toEqual([
        "key-0123456789abcdef",
        "key-0123456789abcdef",
      ]);
    } finally {
      await client.close();
      await fake.close();
    }
  });

  test("500 and 4xx answers are not retried", async () => {
    const fake = await startFakeServer((_req, res, n) =>
      n === 0
        ? reply(res, 500, { code: "INTERNAL", detail: "oops" })
        : reply(res, 404, { code: "NOT_FOUND", detail: "gone" }),
    );
    const { client, delays } = testClient(fake.url, TOKEN);
    try {
      await expect(client.get("/a")).rejects.toMatchObject({ code: "INTERNAL", status: 500 });
      await expect(client.get("/b")).rejects.toMatchObject({ code: "NOT_FOUND", status: 404 });
      expect(fake.seen).toHaveLength(2);
      expect(delays).toEqual([]);
    } finally {
      await client.close();
      await fake.close();
    }
  });

  test("an answer that is not a problem document becomes HTTP_<status>", async () => {
    const fake = await startFakeServer((_req, res) =>
      res.writeHead(502, { "content-type": "text/html" }).end("<h1>Bad gateway</h1>"),
    );
    const { client } = testClient(fake.url, TOKEN, { retries: 0 });
    try {
      const error = await client.get("/x").catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "HTTP_502", status: 502 });
      expect((error as Error).message).toMatch(/^HTTP_502: The management API answered 502 Bad Gateway/);
    } finally {
      await client.close();
      await fake.close();
    }
  });

  test("a refused connection is retried, then reported with the endpoint and never the token", async () => {
    const fake = await startFakeServer(() => undefined);
    const url = fake.url;
    await fake.close(); // nothing listens there now
    const { client, delays } = testClient(url, TOKEN);
    try {
      const error = await client.get("/api/v1/integrations").catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "NETWORK_ERROR", attempts: 4 });
      expect(delays).toHaveLength(3);
      expect((error as Error).message).toContain(url);
      expect((error as Error).message).toContain("ECONNREFUSED");
      expect((error as Error).message).not.toContain(TOKEN);
    } finally {
      await client.close();
    }
  });

  test("a server that does not answer in time is a timeout, retried like a lost connection", async () => {
    // The first request gets no answer at all; undici's timers tick at about 1 s, so this waits ~1 s.
    const fake = await startFakeServer((_req, res, n) => (n === 0 ? undefined : reply(res, 200, RECORD)));
    const { client, delays } = testClient(fake.url, TOKEN, { timeoutMs: 100 });
    try {
      await expect(client.get("/slow")).resolves.toMatchObject({ status: 200, body: RECORD });
      expect(fake.seen).toHaveLength(2);
      expect(delays).toEqual([200]);
    } finally {
      await client.close();
      await fake.close();
    }
  });
});
