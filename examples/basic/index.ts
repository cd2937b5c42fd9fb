import { AuthorizationCodeGrant, AuthScope } from "@inbound-oauth/pulumi";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
// `pulumi config set --path 'redirectUrls[0]' https://...`; the first URL is the fallback.
const redirectUrls = config.getObject<string[]>("redirectUrls") ?? ["https://app.example.com/oauth/callback"];
// Optional per-stack settings (see README): each one left unset keeps the default.
const scopeName = config.get("scopeName") ?? "useraccount";
const accessTokenLifespan = config.getNumber("accessTokenLifespan");
const declaredClientId = config.get("clientId");
// `adopt: true` takes over records of the same names created earlier outside Pulumi.
const adopt = config.getBoolean("adopt");

// The scope the web app asks for; tokens issued with it reach only the Table API.
const scope = new AuthScope("useraccount", {
  name: scopeName,
  description: "Read your user account records",
  limitAuthorizationToApis: ["Table API"],
  adopt,
});

// A confidential client: the server generates a client ID (unless one is set) and a 256-bit
// client secret. Changing clientId replaces the integration.
const app = new AuthorizationCodeGrant("web-app", {
  name: "Example web app",
  providerName: "Example web app",
  redirectUrls,
  authScopes: [scope.name],
  accessTokenLifespan,
  clientId: declaredClientId,
  adopt,
});

export const clientId = app.clientId;
/** Shown by `pulumi stack output --show-secrets clientSecret`; masked everywhere else. */
export const clientSecret = pulumi.secret(app.clientSecret);
export const authorizeUrl = app.authorizeUrl;
export const tokenUrl = app.tokenUrl;
