// An OAuth refusal's response carries the RFC 6749 §5.2 members only: the code and the public
// description, byte for byte; its debug detail is logged and never sent. Over generated errors.
import { Writable } from "node:stream";
import fc from "fast-check";
import Fastify from "fastify";
import { OAUTH_ERRORS, type OAuthErrorCode } from "../../src/contract";
import { OAuthError } from "../../src/domain/oauth/errors";
import { sendOAuthError } from "../../src/http/oauth/send-error";
import { loggerOptions } from "../../src/logger";

const codes = Object.keys(OAUTH_ERRORS) as OAuthErrorCode[];

test("the body is the code and public description only; the detail goes to the log alone", async () => {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  let next: OAuthError | undefined;
  const app = Fastify({ logger: loggerOptions("info", stream) });
  app.get("/", async (_request, reply) => sendOAuthError(reply, next!));
  await app.ready();
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...codes),
        fc.string({ maxLength: 60 }),
        fc.option(
          fc.string({ minLength: 1, maxLength: 60 }).map((text) => `detail:${text}`),
          { nil: undefined },
        ),
        async (code, description, detail) => {
          next = new OAuthError(code, description, { detail });
          const before = lines.length;
          const res = await app.inject({ method: "GET", url: "/" });
          expect(res.body).toBe(JSON.stringify({ error: code, error_description: description }));
          expect(res.statusCode).toBe(code === "invalid_client" ? 401 : 400);
          const logged = lines.slice(before).filter((line) => line.msg === "oauth request refused");
          expect(logged.map((line) => line.detail)).toEqual(detail === undefined ? [] : [detail]);
          if (detail !== undefined && !description.includes(detail)) expect(res.body).not.toContain(detail);
        },
      ),
      { numRuns: 200 },
    );
  } finally {
    await app.close();
  }
});

test("a status and Retry-After given are answered; the body stays the two members", async () => {
  const app = Fastify({ logger: false });
  app.get("/", async (_request, reply) =>
    sendOAuthError(
      reply,
      new OAuthError("invalid_client", "Wait.", { status: 429, retryAfter: 7, detail: "d" }),
    ),
  );
  const res = await app.inject({ method: "GET", url: "/" });
  expect({ status: res.statusCode, retryAfter: res.headers["retry-after"], body: res.body }).toEqual({
    status: 429,
    retryAfter: "7",
    body: '{"error":"invalid_client","error_description":"Wait."}',
  });
  await app.close();
});
