// The driver of our server: its built-in login and consent pages and its token endpoint.
import { type HttpClient, parseForm } from "../lib/http";
import { authorizationPath, codeFrom, type Driver, newRequest, sharedRequests } from "./protocol";
import { SCOPE } from "./settings";

/**
 * Our server: /oauth_auth.do, the built-in login and consent pages, /oauth_token.do. issuer: the
 * origin the server names in its redirects when it is not the server's own (instances behind one
 * name, --issuer): the bench then follows them to this instance, as a load balancer would.
 */
export function ourDriver(http: HttpClient, clientId: string, clientSecret: string, issuer?: string): Driver {
  const localPath = (location: string) => {
    const url = new URL(location, http.origin);
    return issuer !== undefined && url.origin === new URL(issuer).origin
      ? url.pathname + url.search
      : http.localPath(location);
  };
  const authorizePath = (request: { state: string; challenge: string }) =>
    authorizationPath("/oauth_auth.do", clientId, SCOPE, request);
  return {
    ...sharedRequests(http, clientId, clientSecret, {
      token: "/oauth_token.do",
      introspection: "/oauth/introspect",
      jwks: "/api/now/oauth/jwks",
      introspectsJwts: true,
      rotatesRefreshTokens: true,
    }),
    async login(jar, user) {
      const page = await http.send("GET", authorizePath(newRequest()), { jar, expect: 200 });
      const form = parseForm(page.body);
      if (form.action !== "/oauth/login")
        throw new Error("GET /oauth_auth.do without a session showed no login form");
      const signedIn = await http.send("POST", "/oauth/login", {
        jar,
        form: { ...form.fields, username: user.username, password: user.password },
        expect: 303,
      });
      const back = signedIn.location && localPath(signedIn.location);
      if (!back) throw new Error(`POST /oauth/login redirected to ${signedIn.location}`);
      const consent = await http.send("GET", back, { jar, expect: 200 });
      if (parseForm(consent.body).action !== "/oauth/consent")
        throw new Error("after login, no consent form");
    },
    async authorize(jar) {
      const request = newRequest();
      const page = await http.send("GET", authorizePath(request), { jar, expect: 200 });
      const form = parseForm(page.body);
      if (form.action !== "/oauth/consent")
        throw new Error("GET /oauth_auth.do with a session showed no consent form");
      const approved = await http.send("POST", "/oauth/consent", {
        jar,
        form: { ...form.fields, decision: "approve" },
        expect: 303,
      });
      return { code: codeFrom(approved.location, request.state), verifier: request.verifier };
    },
  };
}
