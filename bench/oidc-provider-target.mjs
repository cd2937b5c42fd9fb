// panva's oidc-provider (v9, ES modules only) as a comparison target for bench/oauth-flows.ts.
// The bench starts it as a child process:
//
//   node bench/oidc-provider-target.mjs --client-id ID --client-secret SECRET --redirect-uri URL \
//     --port N --host 127.0.0.1
//
// Configured as close to our server as oidc-provider allows:
// - its default in-memory adapter (an LRU of 1000 to 2000 entries: artifacts older than that are
//   evicted, so the bench uses codes and refresh tokens soon after it gets them);
// - its development login and consent pages (devInteractions): any user name and password are
//   accepted, nothing is hashed;
// - one ES256 signing key (P-256, generated at start) for access tokens (and ID tokens, which the
//   bench does not ask for: its requests carry no openid scope);
// - access tokens as ES256 JWTs (typ at+jwt) for a default resource indicator, so every code
//   exchange and refresh grant signs one JWT, as ours does with tokenFormat JWT;
// - refresh tokens for every authorization of the client (issueRefreshToken), without the
//   openid + offline_access scopes and prompt=consent its default asks for;
// - PKCE required (S256, the only method v9 accepts);
// - one confidential client, client_secret_basic, code and refresh_token grants;
// - refresh tokens issued to that client and, as oidc-provider's default does for a confidential
//   client, rotated only once 70 % of their lifetime has passed (never in a bench run), as the
//   issue's measurement ran it: ours rotates on every use and detects reuse, oidc-provider does not;
// - introspection and revocation enabled.
// Lifetimes follow our server's defaults: code 60 s, access token 1800 s, refresh token 100 days.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import Provider from "oidc-provider";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    host: { type: "string", default: "127.0.0.1" },
    "client-id": { type: "string" },
    "client-secret": { type: "string" },
    "redirect-uri": { type: "string" },
    resource: { type: "string", default: "urn:inbound-oauth-bench:api" },
    "resource-scope": { type: "string", default: "bench.read" },
  },
});
for (const name of ["port", "client-id", "client-secret", "redirect-uri"]) {
  if (!values[name]) {
    process.stderr.write(`oidc-provider-target: --${name} is required\n`);
    process.exit(2);
  }
}
const port = Number(values.port);
const host = values.host;
const resource = values.resource;
const resourceScope = values["resource-scope"];

const signingKey = {
  ...generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" }),
  kid: "bench-es256",
  alg: "ES256",
  use: "sig",
};

const provider = new Provider(`http://${host}:${port}`, {
  clients: [
    {
      client_id: values["client-id"],
      client_secret: values["client-secret"],
      redirect_uris: [values["redirect-uri"]],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
      introspection_endpoint_auth_method: "client_secret_basic",
      revocation_endpoint_auth_method: "client_secret_basic",
      id_token_signed_response_alg: "ES256",
    },
  ],
  jwks: { keys: [signingKey] },
  enabledJWA: { idTokenSigningAlgValues: ["ES256"] },
  clientDefaults: { id_token_signed_response_alg: "ES256" },
  cookies: { keys: [randomBytes(32).toString("base64url")] },
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, indicator) => {
        if (indicator !== resource) throw new Provider.errors.InvalidTarget();
        return {
          scope: resourceScope,
          audience: resource,
          accessTokenTTL: 1800,
          accessTokenFormat: "jwt",
          jwt: { sign: { alg: "ES256" } },
        };
      },
    },
  },
  issueRefreshToken: (_ctx, client) => client.grantTypeAllowed("refresh_token"),
  ttl: {
    AccessToken: 1800,
    AuthorizationCode: 60,
    IdToken: 1800,
    RefreshToken: 8_640_000,
    Interaction: 3600,
    Session: 8 * 3600,
    Grant: 8_640_000,
  },
});

provider.on("server_error", (_ctx, error) => {
  process.stderr.write(`oidc-provider server_error: ${error?.stack ?? error}\n`);
});

const server = provider.listen(port, host, () => {
  process.stderr.write(`oidc-provider ${provider.issuer} listening\n`);
});
server.on("error", (error) => {
  process.stderr.write(`oidc-provider: ${error.message}\n`);
  process.exit(1);
});
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
