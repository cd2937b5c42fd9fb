import { Writable } from "node:stream";
import Fastify from "fastify";
import pino from "pino";
import { loggerOptions, REDACT_PATHS, redactUrl } from "../../src/logger";

/** A stream that keeps every log line, parsed. */
function capture() {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      raw.push(chunk.toString());
      callback();
    },
  });
  return {
    stream,
    text: () => raw.join(""),
    lines: () =>
      raw
        .join("")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** A pino logger configured exactly as the server configures Fastify's. */
function pinoLogger() {
  const out = capture();
  const { stream: _stream, ...options } = loggerOptions("info", out.stream) as pino.LoggerOptions & {
    stream?: unknown;
  };
  return { log: pino(options, out.stream), out };
}

describe("redactUrl", () => {
  it.each([
    ["code", "/cb?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz", "/cb?code=[redacted]&state=xyz"],
    ["token", "/x?token=abc", "/x?token=[redacted]"],
    ["access_token", "/x?a=1&access_token=abc", "/x?a=1&access_token=[redacted]"],
    ["refresh_token", "/x?refresh_token=abc&b=2", "/x?refresh_token=[redacted]&b=2"],
    [
      "client_secret",
      "/oauth/token?client_id=web&client_secret=s3cr3t",
      "/oauth/token?client_id=web&client_secret=[redacted]",
    ],
    ["password", "/login?user=ann&password=hunter2", "/login?user=ann&password=[redacted]"],
    ["id_token_hint", "/logout?id_token_hint=eyJ.x.y", "/logout?id_token_hint=[redacted]"],
  ])("masks the value of %s", (_name, url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it("masks every sensitive parameter of one URL, whatever the case of its name", () => {
    expect(redactUrl("/cb?CODE=a&state=s&Token=b&client_secret=c")).toBe(
      "/cb?CODE=[redacted]&state=s&Token=[redacted]&client_secret=[redacted]",
    );
  });

  it("keeps other parameters, including ones whose names merely contain a sensitive word", () => {
    const url =
      "/authorize?client_id=web&state=xyz&code_challenge=abc&encode=1&mytoken=2&redirect_uri=https%3A%2F%2Fa";
    expect(redactUrl(url)).toBe(url);
  });

  it("leaves a URL without a query unchanged", () => {
    expect(redactUrl("/api/v1/integrations/code=1")).toBe("/api/v1/integrations/code=1");
    expect(redactUrl("/healthz")).toBe("/healthz");
  });

  it("masks an empty value too", () => {
    expect(redactUrl("/cb?code=&state=s")).toBe("/cb?code=[redacted]&state=s");
  });
});

describe("loggerOptions redaction (pino)", () => {
  it("writes [redacted] for secrets nested one level in a logged object, and never their values", () => {
    const { log, out } = pinoLogger();
    log.info(
      {
        body: {
          clientSecret: "VALUE-clientSecret",
          client_secret: "VALUE-client_secret",
          password: "VALUE-password",
          token: "VALUE-token",
          accessToken: "VALUE-accessToken",
          refreshToken: "VALUE-refreshToken",
          access_token: "VALUE-access_token",
          refresh_token: "VALUE-refresh_token",
          adminToken: "VALUE-adminToken",
          authorization: "Bearer VALUE-authorization",
          name: "Web app",
        },
      },
      "create",
    );
    const [line] = out.lines();
    expect(line?.body).toEqual({
      clientSecret: "[redacted]",
      client_secret: "[redacted]",
      password: "[redacted]",
      token: "[redacted]",
      accessToken: "[redacted]",
      refreshToken: "[redacted]",
      access_token: "[redacted]",
      refresh_token: "[redacted]",
      adminToken: "[redacted]",
      authorization: "[redacted]",
      name: "Web app",
    });
    expect(out.text()).not.toContain("VALUE-");
  });

  it("writes [redacted] for an authorization header in a logged headers object", () => {
    const { log, out } = pinoLogger();
    log.info({ headers: { authorization: "Bearer ioa_SECRET", accept: "application/json" } }, "outgoing");
    expect(out.lines()[0]?.headers).toEqual({ authorization: "[redacted]", accept: "application/json" });
    expect(out.text()).not.toContain("ioa_SECRET");
  });

  it("never writes req.headers.authorization: the req serializer keeps only method, masked url and address", () => {
    const { log, out } = pinoLogger();
    log.info(
      {
        req: {
          method: "GET",
          url: "/cb?code=CODE-VALUE&state=s",
          ip: "127.0.0.1",
          headers: { authorization: "Bearer ioa_SECRET", cookie: "sid=COOKIE-VALUE" },
        },
      },
      "incoming",
    );
    expect(out.lines()[0]?.req).toEqual({
      method: "GET",
      url: "/cb?code=[redacted]&state=s",
      remoteAddress: "127.0.0.1",
    });
    expect(out.text()).not.toMatch(/ioa_SECRET|COOKIE-VALUE|CODE-VALUE/);
  });

  it("keeps the level it is given", () => {
    const { log, out } = pinoLogger();
    log.debug("hidden");
    log.info("shown");
    expect(out.lines().map((line) => line.msg)).toEqual(["shown"]);
  });

  it("redacts the request headers that carry credentials", () => {
    expect(REDACT_PATHS).toEqual(
      expect.arrayContaining([
        "req.headers.authorization",
        'req.headers["idempotency-key"]',
        "req.headers.cookie",
      ]),
    );
  });

  it("redacts a clientSecret logged at the top level", () => {
    const { log, out } = pinoLogger();
    log.info({ clientSecret: "TOP-LEVEL-SECRET" }, "top");
    expect(out.text()).not.toContain("TOP-LEVEL-SECRET");
  });

  it("redacts a password nested two levels deep", () => {
    const { log, out } = pinoLogger();
    log.info({ request: { body: { password: "DEEP-PASSWORD" } } }, "deep");
    expect(out.text()).not.toContain("DEEP-PASSWORD");
  });

  it("logging a req object without a url does not throw", () => {
    const { log } = pinoLogger();
    expect(() => log.info({ req: { headers: { authorization: "Bearer x" } } }, "manual")).not.toThrow();
  });
});

describe("loggerOptions in Fastify (as buildApp passes it)", () => {
  // The request log itself (app.inject) is covered by the feature tier: light-my-request needs
  // require(esm), which this pure tier does not rely on.
  it("writes to the given stream, at the given level, with the same redaction", async () => {
    const out = capture();
    const app = Fastify({ logger: loggerOptions("warn", out.stream) });
    app.log.info({ body: { clientSecret: "INFO-SECRET" } }, "below the level");
    app.log.warn({ body: { clientSecret: "WARN-SECRET", name: "Web app" } }, "kept");
    await app.close();
    const lines = out.lines();
    expect(lines.map((line) => line.msg)).toEqual(["kept"]);
    expect(lines[0]?.body).toEqual({ clientSecret: "[redacted]", name: "Web app" });
    expect(out.text()).not.toMatch(/INFO-SECRET|WARN-SECRET/);
  });
});
