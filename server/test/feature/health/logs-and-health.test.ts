import { Writable } from "node:stream";
import { buildApp } from "../../../src/app";
import { createAdminToken } from "../../../src/domain/admin-tokens";
import { integrationBody, openTestStore } from "../../helpers/test-app";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

test("request logs are structured JSON and never carry the bearer token, a secret or an idempotency key", async () => {
  const store = await openTestStore("sqlite");
  const { lines, stream } = capture();
  const app = buildApp({ db: store.db, logLevel: "trace", logStream: stream });
  try {
    const { token } = await createAdminToken(store.db, "logger", "admin", new Date().toISOString());
    const secret = "L".repeat(40);
    const key = "idem-key-0123456789-abcdef";
    const res = await app.inject({
      method: "POST",
      url: "/api/v1/integrations?token=should-not-appear",
      headers: { authorization: `Bearer ${token}`, "idempotency-key": key },
      payload: integrationBody({ name: "logged", clientSecret: secret }),
    });
    // ?token= is an unknown query parameter for this route, but the body is validated first.
    expect([201, 400]).toContain(res.statusCode);
    await app.inject({
      method: "GET",
      url: "/api/v1/integrations",
      headers: { authorization: "Bearer wrong" },
    });
    const output = lines.join("");
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    for (const forbidden of [token, secret, key, "should-not-appear"])
      expect(output).not.toContain(forbidden);
  } finally {
    await app.close();
    await store.dispose();
  }
});

test("a server error answers 500 INTERNAL without internals, and logs the error", async () => {
  const store = await openTestStore("sqlite");
  const { lines, stream } = capture();
  const app = buildApp({ db: store.db, logLevel: "info", logStream: stream });
  try {
    const { token } = await createAdminToken(store.db, "breaker", "admin", new Date().toISOString());
    await store.db.execute("DROP TABLE audit_events");
    const res = await app.inject({
      method: "POST",
      url: "/api/v1/auth-scopes",
      headers: { authorization: `Bearer ${token}` },
      payload: { name: "boom" },
    });
    expect(res.statusCode).toBe(500);
    const body = res.json();
    expect(body.code).toBe("INTERNAL");
    expect(JSON.stringify(body)).not.toMatch(/audit_events|sqlite|no such table|\.ts:|\.js:/i);
    expect(lines.join("")).toContain("no such table");
    const scopes = await store.db.query("SELECT * FROM auth_scopes WHERE name = ?", ["boom"]);
    expect(scopes).toEqual([]);
  } finally {
    await app.close();
    await store.dispose();
  }
});

test("/readyz answers 503 once the database is gone, /healthz still 200", async () => {
  const store = await openTestStore("sqlite");
  const app = buildApp({ db: store.db, logLevel: "silent" });
  try {
    expect((await app.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(200);
    await store.db.close();
    expect((await app.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(503);
    expect((await app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
  } finally {
    await app.close();
    await store.dispose().catch(() => {});
  }
});

describe("request loggers (made only when a request writes a line)", () => {
  test("a request that logs nothing at the level makes no pino child; one that logs writes its request id", async () => {
    const store = await openTestStore("sqlite");
    const { lines, stream } = capture();
    const app = buildApp({ db: store.db, logLevel: "info", logStream: stream });
    try {
      const { token } = await createAdminToken(store.db, "reader", "viewer", new Date().toISOString());
      await app.ready();
      app.log.level = "warn";
      const child = jest.spyOn(app.log, "child");
      const quiet = await app.inject({
        method: "GET",
        url: "/api/v1/integrations",
        headers: { authorization: `Bearer ${token}` },
      });
      expect(quiet.statusCode).toBe(200);
      expect(child).not.toHaveBeenCalled();
      expect(lines).toEqual([]);

      app.log.level = "info";
      const refused = await app.inject({
        method: "GET",
        url: "/api/v1/integrations",
        headers: { authorization: `Bearer ${token}x` },
      });
      expect(refused.statusCode).toBe(401);
      expect(child).toHaveBeenCalledTimes(1);
      const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(logged.map((line) => line.msg)).toEqual(
        expect.arrayContaining(["incoming request", "request completed"]),
      );
      expect(new Set(logged.map((line) => line.reqId)).size).toBe(1);
      expect(logged[0]?.reqId).toEqual(expect.any(String));
      expect(lines.join("")).not.toContain(token);
    } finally {
      await app.close();
      await store.dispose();
    }
  });
});
