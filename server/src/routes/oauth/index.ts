import type { FastifyInstance } from "fastify";
import type { OAuthContext } from "../../http/oauth/context";
import { acceptOnlyForms } from "../../http/oauth/forms";
import { STYLESHEET } from "../../http/oauth/pages/layout";
import { authorizeRoutes } from "./authorize";
import { consentRoutes } from "./consent";
import { introspectRoutes } from "./introspect";
import { loginRoutes } from "./login";
import { metadataRoutes } from "./metadata";
import { revokeRoutes } from "./revoke";
import { sampleApiRoutes } from "./sample-apis";
import { tokenRoutes } from "./token";

export type { OAuthContext } from "../../http/oauth/context";

/** The OAuth runtime: authorize, login and consent pages, token, introspection, revocation, metadata, sample APIs. */
export function oauthRoutes(app: FastifyInstance, ctx: OAuthContext): void {
  // The grant's endpoints and pages take form parameters only (RFC 6749 §3.2, §4.1.3; RFC 7662 §2.1;
  // RFC 7009 §2.1): a JSON body there is refused, never read.
  app.register(async (forms) => {
    acceptOnlyForms(forms);
    authorizeRoutes(forms, ctx);
    loginRoutes(forms, ctx);
    consentRoutes(forms, ctx);
    tokenRoutes(forms, ctx);
    introspectRoutes(forms, ctx);
    revokeRoutes(forms, ctx);
  });
  app.register(async (oauth) => {
    metadataRoutes(oauth, ctx);
    sampleApiRoutes(oauth, ctx);
    oauth.get("/oauth/assets/style.css", async (_request, reply) =>
      reply
        .header("content-type", "text/css; charset=utf-8")
        .header("cache-control", "public, max-age=3600")
        .send(STYLESHEET),
    );
  });
}
