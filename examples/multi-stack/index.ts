import { AuthorizationCodeGrant, AuthScope } from "@inbound-oauth/pulumi";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
// Stacks may share one server: every record name ends with the stack name.
const stack = pulumi.getStack();
const redirectUrls = config.requireObject<string[]>("redirectUrls");
const deletionProtection = config.getBoolean("deletionProtection") ?? false;

const scope = new AuthScope("orders-read", {
  name: `orders.read-${stack}`,
  description: `Read orders (${stack})`,
  limitAuthorizationToApis: ["Table API"],
});

const app = new AuthorizationCodeGrant("orders-app", {
  name: `orders-app-${stack}`,
  providerName: "Orders app",
  redirectUrls,
  authScopes: [scope.name],
  deletionProtection,
});

export const clientId = app.clientId;
export const clientSecret = pulumi.secret(app.clientSecret);
export const authorizeUrl = app.authorizeUrl;
export const tokenUrl = app.tokenUrl;
export const scopeName = scope.name;
