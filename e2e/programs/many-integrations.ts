// Many resources in one stack (the crash-recovery test's program): one auth scope and count-1
// confidential integrations that request it, `count` resources in all (config `count`, default 50).
// Each integration's name carries its number (crash-app-001 …), so duplicates are easy to spot.
import { AuthorizationCodeGrant, AuthScope } from "@inbound-oauth/pulumi";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const count = config.getNumber("count") ?? 50;

const scope = new AuthScope("crash-scope", {
  name: "crash.read",
  description: "Scope of the crash-recovery test's integrations",
});

for (let i = 1; i < count; i++) {
  const name = `crash-app-${String(i).padStart(3, "0")}`;
  new AuthorizationCodeGrant(name, {
    name,
    providerName: "Crash recovery test",
    redirectUrls: [`https://app.example.com/${name}/callback`],
    authScopes: [scope.name],
  });
}

/** The number of declared resources (the stack itself not counted). */
export const resourceCount = count;
