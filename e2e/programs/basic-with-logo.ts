// examples/basic with one more property: the integration declares a logoUrl. The removal test runs
// this program, then examples/basic itself (the same program without logoUrl), as a user who drops
// the line from their program would.
import { AuthorizationCodeGrant, AuthScope } from "@inbound-oauth/pulumi";
import * as pulumi from "@pulumi/pulumi";

const LOGO_URL = "https://cdn.example.com/example-web-app/logo.png";

const scope = new AuthScope("useraccount", {
  name: "useraccount",
  description: "Read your user account records",
  limitAuthorizationToApis: ["Table API"],
});

const app = new AuthorizationCodeGrant("web-app", {
  name: "Example web app",
  providerName: "Example web app",
  redirectUrls: ["https://app.example.com/oauth/callback"],
  authScopes: [scope.name],
  logoUrl: LOGO_URL,
});

export const clientId = app.clientId;
export const clientSecret = pulumi.secret(app.clientSecret);
export const authorizeUrl = app.authorizeUrl;
export const tokenUrl = app.tokenUrl;
