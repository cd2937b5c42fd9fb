// Guessing as an attacker would, for the brute-force limit tests: sign-in and client-authentication
// attempts from a chosen client address (app.inject's remoteAddress), sent all at once, and a
// password check that counts (and can hold) the evaluations the server makes.
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import type { PasswordCheck } from "../../src/domain/passwords";
import { verifyPassword } from "../../src/domain/passwords";
import {
  AUTHORIZE_PATH,
  basicHeader,
  CookieJar,
  formBody,
  getPage,
  hiddenFields,
  SESSION_COOKIE,
} from "./oauth-flow";
import type { TestApp } from "./test-app";

const FORM = "application/x-www-form-urlencoded";

/** A browser at the login page: the CSRF cookie and hidden fields every attempt reuses. */
export async function loginForm(t: TestApp): Promise<{ jar: CookieJar; fields: Record<string, string> }> {
  const jar = new CookieJar();
  const start = `/oauth/login?return_to=${encodeURIComponent(`${AUTHORIZE_PATH}?response_type=code`)}`;
  const page = await getPage(t, start, jar);
  if (page.statusCode !== 200) throw new Error(`login page → ${page.statusCode}`);
  return { jar, fields: hiddenFields(page.body) };
}

/** One sign-in attempt from `address` on the app (of any instance sharing the database). */
export function loginAttempt(
  app: FastifyInstance,
  form: { jar: CookieJar; fields: Record<string, string> },
  username: string,
  password: string,
  address: string,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: "POST",
    url: "/oauth/login",
    remoteAddress: address,
    headers: { "content-type": FORM, cookie: form.jar.header() },
    payload: formBody({ ...form.fields, username, password }),
  });
}

export const signedIn = (res: LightMyRequestResponse) =>
  res.statusCode === 303 && String(res.headers["set-cookie"] ?? "").includes(`${SESSION_COOKIE}=`);

/** One client-authenticated POST (client_secret_basic) from `address`. */
export function clientAttempt(
  app: FastifyInstance,
  path: string,
  clientId: string,
  secret: string,
  address: string,
  form: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: "POST",
    url: path,
    remoteAddress: address,
    headers: { "content-type": FORM, authorization: basicHeader(clientId, secret) },
    payload: formBody(form),
  });
}

/** Status codes, counted: `{ 401: 5, 429: 95 }`. */
export function statusCounts(responses: LightMyRequestResponse[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const res of responses) counts[res.statusCode] = (counts[res.statusCode] ?? 0) + 1;
  return counts;
}

/**
 * scrypt's verifyPassword behind a switch tests flip: it counts the evaluations the server makes
 * and, while `hold()` is in force, keeps each one waiting until `release()`.
 */
export class CountingPasswordCheck {
  evaluated = 0;
  /** Answer "wrong" at once instead of running scrypt (for property runs that only count). */
  quick = false;
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;

  readonly check: PasswordCheck = async (password, stored) => {
    this.evaluated++;
    if (this.gate) await this.gate;
    return this.quick ? false : verifyPassword(password, stored);
  };

  reset(): void {
    this.evaluated = 0;
    this.quick = false;
  }

  hold(): void {
    this.gate = new Promise((resolve) => {
      this.open = resolve;
    });
  }

  release(): void {
    this.open?.();
    this.gate = undefined;
  }
}

/** Resolves once `condition` holds (checked on every turn of the event loop); fails after `ms`. */
export async function eventually(condition: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Tracks how many of some promises have settled. */
export function settledCount<T>(promises: Promise<T>[]): () => number {
  let settled = 0;
  for (const p of promises)
    p.then(
      () => settled++,
      () => settled++,
    );
  return () => settled;
}
