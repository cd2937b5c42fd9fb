import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AUTHORIZE_PARAMS, checkAuthorizeRequest } from "../../domain/oauth/authorize-request";
import { errorRedirect } from "../../domain/oauth/redirects";
import { sessionAndRegistry } from "../../domain/oauth/sessions";
import type { OAuthContext } from "../../http/oauth/context";
import { isHttps } from "../../http/oauth/context";
import { readCookie, SESSION_COOKIE } from "../../http/oauth/cookies";
import { csrfToken } from "../../http/oauth/csrf";
import { singleValued } from "../../http/oauth/forms";
import { sendConsentPage } from "../../http/oauth/pages/consent-page";
import { sendErrorPage } from "../../http/oauth/pages/error-page";
import { sendLoginPage } from "../../http/oauth/pages/login-page";

/**
 * The authorization endpoint (/oauth_auth.do and /oauth/authorize): validates the request, then
 * sends the person to sign in (the built-in page, or the integration's loginUrl) and to consent.
 */
export function authorizeRoutes(app: FastifyInstance, ctx: OAuthContext): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const { params, repeated } = singleValued(request.query, AUTHORIZE_PARAMS);
    const { live, user } = await sessionAndRegistry(ctx, readCookie(request, SESSION_COOKIE));
    const outcome = await checkAuthorizeRequest(live, params, repeated);
    if (outcome.kind === "page") return sendErrorPage(reply, outcome.status, outcome.title, outcome.message);
    if (outcome.kind === "redirect-error") {
      const target = errorRedirect(outcome.redirectUri, outcome.error, outcome.state, ctx.issuer());
      return reply.header("cache-control", "no-store").redirect(target, 302);
    }
    const csrf = csrfToken(request, reply, isHttps(ctx));
    if (!user) {
      const returnTo = request.url;
      if (outcome.client.loginUrl) {
        const login = new URL(outcome.client.loginUrl);
        login.searchParams.set("return_to", new URL(returnTo, ctx.issuer()).toString());
        return reply.header("cache-control", "no-store").redirect(login.toString(), 302);
      }
      return sendLoginPage(reply, { returnTo, csrf });
    }
    return sendConsentPage(reply, {
      client: outcome.client,
      user: user.name,
      scopes: outcome.scopes,
      redirectUri: outcome.redirectUri,
      params,
      csrf,
    });
  };
  app.get("/oauth_auth.do", handler);
  app.get("/oauth/authorize", handler);
}
