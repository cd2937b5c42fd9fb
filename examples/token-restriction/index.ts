import { ApiAccessPolicy, AuthorizationCodeGrant, AuthScope } from "@inbound-oauth/pulumi";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const redirectUrls = config.getObject<string[]>("redirectUrls") ?? [
  "https://reports.example.com/oauth/callback",
];

// Each scope names the REST APIs its tokens may reach.
const records = new AuthScope("records-read", {
  name: "records.read",
  description: "Read records through the Table API",
  limitAuthorizationToApis: ["Table API"],
});
const attachments = new AuthScope("attachments-read", {
  name: "attachments.read",
  description: "Download attachments through the Attachment API",
  limitAuthorizationToApis: ["Attachment API"],
});

// Two independent restrictions on this client's tokens:
// - allowAccessOnlyToApisInSelectedScope: only the APIs the token's scopes list
//   (Table API and/or Attachment API; never the Aggregate API);
// - enforceTokenRestriction: only the APIs of the active access policies that apply to it.
const app = new AuthorizationCodeGrant("reporting-app", {
  name: "Reporting app",
  providerName: "Reporting app",
  redirectUrls,
  authScopes: [records.name, attachments.name],
  allowAccessOnlyToApisInSelectedScope: true,
  enforceTokenRestriction: true,
});

// The policy allows the Table API to this integration only, so even a token carrying
// attachments.read is refused by the Attachment API (rule "token_restriction").
const policy = new ApiAccessPolicy("reporting-app-table-only", {
  name: "Reporting app: Table API only",
  description: "The reporting app's tokens may call the Table API",
  restApis: ["Table API"],
  integrations: [app.name],
});

export const clientId = app.clientId;
export const clientSecret = pulumi.secret(app.clientSecret);
export const authorizeUrl = app.authorizeUrl;
export const tokenUrl = app.tokenUrl;
export const scopes = [records.name, attachments.name];
export const policyName = policy.name;
