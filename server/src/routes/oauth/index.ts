import type { FastifyInstance } from "fastify";
import { authorizeRoutes } from "./authorize";
import { consentRoutes } from "./consent";
import type { OAuthContext } from "./context";
import { acceptForms } from "./forms";
import { introspectRoutes } from "./introspect";
import { loginRoutes } from "./login";
import { metadataRoutes } from "./metadata";
import { STYLESHEET } from "./pages/layout";
import { revokeRoutes } from "./revoke";
import { sampleApiRoutes } from "./sample-apis";
import { tokenRoutes } from "./token";

export type { OAuthContext } from "./context";

/** The OAuth runtime: authorize, login and consent pages, token, introspection, revocation, metadata, sample APIs. */
export function oauthRoutes(app: FastifyInstance, ctx: OAuthContext): void {
  app.register(async (oauth) => {
    acceptForms(oauth);
    authorizeRoutes(oauth, ctx);
    loginRoutes(oauth, ctx);
    consentRoutes(oauth, ctx);
    tokenRoutes(oauth, ctx);
    introspectRoutes(oauth, ctx);
    revokeRoutes(oauth, ctx);
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
