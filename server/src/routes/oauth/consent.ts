import type { FastifyInstance } from "fastify";
import { AUTHORIZE_PARAMS, checkAuthorizeRequest } from "../../domain/oauth/authorize-request";
import { issueCode } from "../../domain/oauth/codes";
import { OAuthError } from "../../domain/oauth/errors";
import { errorRedirect, redirectWith } from "../../domain/oauth/redirects";
import { sessionAndRegistry } from "../../domain/oauth/sessions";
import type { OAuthContext } from "../../http/oauth/context";
import { readCookie, SESSION_COOKIE } from "../../http/oauth/cookies";
import { csrfValid } from "../../http/oauth/csrf";
import { singleValued } from "../../http/oauth/forms";
import { sendErrorPage } from "../../http/oauth/pages/error-page";

/** What the consent form posts: the authorization request's parameters, the CSRF token, the decision. */
const CONSENT_FIELDS = [...AUTHORIZE_PARAMS, "csrf_token", "decision"];

/** The consent form's post: re-validates the whole request, then issues a code or access_denied. */
export function consentRoutes(app: FastifyInstance, ctx: OAuthContext): void {
  app.post("/oauth/consent", async (request, reply) => {
    const { params: form, repeated } = singleValued(request.body, CONSENT_FIELDS);
    if (!csrfValid(request, form.csrf_token)) {
      return sendErrorPage(
        reply,
        403,
        "Form expired",
        "This form is no longer valid (missing or wrong CSRF token). Go back to the application and start again.",
      );
    }
    const { live, user } = await sessionAndRegistry(ctx, readCookie(request, SESSION_COOKIE));
    if (!user)
      return sendErrorPage(
        reply,
        401,
        "Signed out",
        "Your session ended. Go back to the application and start again.",
      );
    const params = singleValued(request.body, AUTHORIZE_PARAMS).params;
    const outcome = await checkAuthorizeRequest(live, params, repeated);
    if (outcome.kind === "page") return sendErrorPage(reply, outcome.status, outcome.title, outcome.message);
    const issuer = ctx.issuer();
    if (outcome.kind === "redirect-error") {
      return reply.redirect(errorRedirect(outcome.redirectUri, outcome.error, outcome.state, issuer), 303);
    }
    if (form.decision !== "approve") {
      const denied = new OAuthError("access_denied", "The user denied the request.");
      return reply.redirect(errorRedirect(outcome.redirectUri, denied, outcome.state, issuer), 303);
    }
    const code = await issueCode(ctx.db, ctx.clock, {
      integrationId: outcome.client.id,
      userId: user.id,
      redirectUri: outcome.redirectUri,
      redirectUriExplicit: outcome.redirectUriExplicit,
      scope: outcome.scope,
      codeChallenge: outcome.codeChallenge,
    });
    return reply
      .header("cache-control", "no-store")
      .redirect(redirectWith(outcome.redirectUri, { code, state: outcome.state }, issuer), 303);
  });
}
