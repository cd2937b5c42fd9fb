// The driver of panva's oidc-provider: /auth, its development interactions, /token.
import { type CookieJar, type HttpClient, parseForm } from "../lib/http";
import {
  authorizationPath,
  codeFrom,
  type Driver,
  type Endpoints,
  newRequest,
  REDIRECT,
  sharedRequests,
} from "./protocol";
import { SCOPE } from "./settings";

/** It refuses to introspect structured (JWT) access tokens: UnsupportedTokenType. */
const ENDPOINTS: Endpoints = {
  token: "/token",
  introspection: "/token/introspection",
  jwks: "/jwks",
  introspectsJwts: false,
  rotatesRefreshTokens: false,
};

/** oidc-provider: /auth, its dev interactions at /interaction/:uid, /token. */
export function oidcProviderDriver(http: HttpClient, clientId: string, clientSecret: string): Driver {
  // A plain OAuth 2.0 request, as ours: the resource's scope, no openid, so no ID token is signed
  // (the target issues refresh tokens without offline_access); prompt=consent shows the consent page
  // every time, as ours does, where oidc-provider would otherwise reuse the session's grant.
  const authorizePath = (request: { state: string; challenge: string }) =>
    authorizationPath("/auth", clientId, SCOPE, request, { prompt: "consent" });
  const follow = (location: string | undefined, from: string): string => {
    const path = location && http.localPath(location);
    if (!path) throw new Error(`${from} redirected to ${location}`);
    return path;
  };
  /** GET /auth (or a resume at /auth/:uid) → its interaction page; returns the page's form. */
  const interaction = async (jar: CookieJar, path: string, prompt: "login" | "consent") => {
    const started = await http.send("GET", path, { jar, expect: REDIRECT });
    const pagePath = follow(started.location, `GET ${path.split("?")[0]}`);
    const page = await http.send("GET", pagePath, { jar, expect: 200 });
    const form = parseForm(page.body);
    if (!form.action || form.fields.prompt !== prompt)
      throw new Error(`expected the ${prompt} page at ${pagePath}`);
    return { action: form.action, fields: form.fields };
  };
  return {
    ...sharedRequests(http, clientId, clientSecret, ENDPOINTS),
    async login(jar, user) {
      const login = await interaction(jar, authorizePath(newRequest()), "login");
      const submitted = await http.send("POST", login.action, {
        jar,
        form: { ...login.fields, login: user.username, password: user.password },
        expect: REDIRECT,
      });
      await interaction(jar, follow(submitted.location, "the login form"), "consent");
    },
    async authorize(jar) {
      const request = newRequest();
      const consent = await interaction(jar, authorizePath(request), "consent");
      const submitted = await http.send("POST", consent.action, {
        jar,
        form: consent.fields,
        expect: REDIRECT,
      });
      const resume = follow(submitted.location, "the consent form");
      const done = await http.send("GET", resume, { jar, expect: REDIRECT });
      return { code: codeFrom(done.location, request.state), verifier: request.verifier };
    },
  };
}
