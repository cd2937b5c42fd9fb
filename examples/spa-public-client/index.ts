import { AuthorizationCodeGrant, AuthScope } from "@inbound-oauth/pulumi";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
// The loopback URL serves local development (its port may vary at sign-in, RFC 8252 §7.3);
// the https URL is the deployed app. Order matters: the first is the fallback.
const redirectUrls = config.getObject<string[]>("redirectUrls") ?? [
  "http://127.0.0.1:5173/callback",
  "https://spa.example.com/callback",
];

const scope = new AuthScope("spa-read", {
  name: "spa.read",
  description: "Read records shown in the single-page app",
  limitAuthorizationToApis: ["Table API"],
});

// A browser cannot keep a secret: a public client has none and must use PKCE (S256).
// Its access tokens are JWTs that APIs can verify offline with the server's JWKS.
const spa = new AuthorizationCodeGrant("spa", {
  name: "Example single-page app",
  providerName: "Example single-page app",
  publicClient: true,
  redirectUrls,
  authScopes: [scope.name],
  tokenFormat: "JWT",
  accessTokenLifespan: 900,
});

export const clientId = spa.clientId;
export const authorizeUrl = spa.authorizeUrl;
export const tokenUrl = spa.tokenUrl;
export const jwksUrl = spa.jwksUrl;
