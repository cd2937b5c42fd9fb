import type { FastifyInstance, FastifyReply } from "fastify";
import { authenticateUser } from "../../domain/kinds/user-login";
import { createSession, SESSION_LIFETIME_SECONDS } from "../../domain/oauth/sessions";
import { loginThrottle } from "../../domain/oauth/throttle";
import type { OAuthContext } from "../../http/oauth/context";
import { isHttps } from "../../http/oauth/context";
import { SESSION_COOKIE, setCookie } from "../../http/oauth/cookies";
import { csrfToken, csrfValid } from "../../http/oauth/csrf";
import { singleValued } from "../../http/oauth/forms";
import { sendErrorPage } from "../../http/oauth/pages/error-page";
import { sendLoginPage } from "../../http/oauth/pages/login-page";

/** What the login form posts. */
const LOGIN_FIELDS = ["username", "password", "csrf_token", "return_to"];

/** Only an authorization request of this server may be resumed after login (no open redirect). */
export function safeReturnTo(value: string | undefined): string | undefined {
  if (!value || value.length > 4096) return undefined;
  // No fragment, no backslash, no control character (it goes into a Location header).
  return /^\/(oauth_auth\.do|oauth\/authorize)\?[^#\\\p{Cc}]*$/u.test(value) ? value : undefined;
}

/** An absolute return_to on this server (as an integration's loginUrl receives it), as a path. */
function sameOriginPath(value: string | undefined, issuer: string): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value, issuer);
    return url.origin === new URL(issuer).origin ? url.pathname + url.search : undefined;
  } catch {
    return undefined;
  }
}

/** The login page opened without a safe page to return to: there is nothing to sign in for. */
function sendNothingToSignIn(reply: FastifyReply) {
  return sendErrorPage(
    reply,
    400,
    "Nothing to sign in for",
    "Open this page from an application's sign-in link.",
  );
}

/**
 * The built-in login page. GET /oauth/login?return_to=... shows it (also for an integration's
 * loginUrl to send people to); POST checks the password (rate-limited in the database), starts a session and
 * resumes the authorization request.
 */
export function loginRoutes(
  app: FastifyInstance,
  ctx: OAuthContext,
  throttle = loginThrottle(ctx.db, ctx.clock),
): void {
  app.get("/oauth/login", async (request, reply) => {
    const { params } = singleValued(request.query, ["return_to"]);
    const returnTo = safeReturnTo(sameOriginPath(params.return_to, ctx.issuer()));
    if (!returnTo) return sendNothingToSignIn(reply);
    return sendLoginPage(reply, { returnTo, csrf: csrfToken(request, reply, isHttps(ctx)) });
  });

  app.post("/oauth/login", async (request, reply) => {
    const { params: form } = singleValued(request.body, LOGIN_FIELDS);
    const returnTo = safeReturnTo(form.return_to);
    if (!returnTo) return sendNothingToSignIn(reply);
    const csrf = csrfToken(request, reply, isHttps(ctx));
    if (!csrfValid(request, form.csrf_token)) {
      return sendLoginPage(reply, {
        returnTo,
        csrf,
        status: 403,
        error: "This form expired. Please sign in again.",
      });
    }
    const username = (form.username ?? "").slice(0, 100);
    // Reserved before the password is hashed: however many guesses arrive at once, at most the
    // limit's number are evaluated.
    const reservation = await throttle.reserve(username, request.ip);
    if (!reservation.allowed) {
      const wait = reservation.retryAfter;
      reply.header("retry-after", String(wait));
      return sendLoginPage(reply, {
        returnTo,
        csrf,
        status: 429,
        error: `Too many failed sign-ins. Try again in ${Math.ceil(wait / 60)} minute(s).`,
      });
    }
    const user = await authenticateUser(ctx.db, username, form.password ?? "", ctx.verifyPassword);
    if (!user) {
      request.log.info({ username }, "login failed");
      return sendLoginPage(reply, { returnTo, csrf, status: 401, error: "Wrong user name or password." });
    }
    await throttle.succeeded(reservation, username);
    const session = await createSession(ctx.db, ctx.clock, user.id);
    setCookie(reply, SESSION_COOKIE, session, { secure: isHttps(ctx), maxAge: SESSION_LIFETIME_SECONDS });
    return reply.redirect(returnTo, 303);
  });
}
