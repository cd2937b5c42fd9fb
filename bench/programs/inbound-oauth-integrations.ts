// The engine benchmark's provider program (bench/pulumi-engine.ts): `count` OAuth authorization
// code grant integrations of this provider (stack config `count`, default 100) and nothing else, so
// the stack holds exactly `count` resources besides the stack itself. Each is a confidential client:
// every create is one POST to the management API, which generates its client ID and secret.
import { AuthorizationCodeGrant } from "@inbound-oauth/pulumi";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const count = config.getNumber("count") ?? 100;

const integrations: AuthorizationCodeGrant[] = [];
for (let i = 0; i < count; i++) {
  integrations.push(
    new AuthorizationCodeGrant(`app-${i}`, {
      name: `bench-engine-app-${i}`,
      providerName: "Engine benchmark",
      redirectUrls: [`https://app-${i}.example.com/oauth/callback`],
    }),
  );
}

export const resources = integrations.length;
