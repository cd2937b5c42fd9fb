import { AuthorizationCodeGrant, AuthScope } from "@inbound-oauth/pulumi";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
// `pulumi config set --path 'redirectUrls[0]' https://...`; the first URL is the fallback.
const redirectUrls = config.getObject<string[]>("redirectUrls") ?? ["https://app.example.com/oauth/callback"];

// The scope the web app asks for; tokens issued with it reach only the Table API.
const scope = new AuthScope("useraccount", {
  name: "useraccount",
  description: "Read your user account records",
  limitAuthorizationToApis: ["Table API"],
});

// A confidential client: the server generates its client ID and a 256-bit client secret.
const app = new AuthorizationCodeGrant("web-app", {
  name: "Example web app",
  providerName: "Example web app",
  redirectUrls,
  authScopes: [scope.name],
});

export const clientId = app.clientId;
/** Shown by `pulumi stack output --show-secrets clientSecret`; masked everywhere else. */
export const clientSecret = pulumi.secret(app.clientSecret);
export const authorizeUrl = app.authorizeUrl;
export const tokenUrl = app.tokenUrl;
