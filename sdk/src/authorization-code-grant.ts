import * as pulumi from "@pulumi/pulumi";
import { providerObject, resourceSeed } from "./provider-object";

/** The inputs of an OAuth authorization code grant integration (one application-registry record). */
export interface AuthorizationCodeGrantArgs {
  /** Name of OAuth entity. Unique; renaming updates the record in place. */
  name: pulumi.Input<string>;
  /** Provider name. */
  providerName: pulumi.Input<string>;
  /** Redirect URLs, in order: the first is used when a request names none. Matched exactly, except that a loopback one's port may vary; https except loopback http; no user name or password, IP addresses written canonically (127.0.0.1, not 127.1), no port 0. */
  redirectUrls: pulumi.Input<pulumi.Input<string>[]>;
  /** Client ID. Generated when omitted; changing it replaces the integration. */
  clientId?: pulumi.Input<string>;
  /** Client secret (at least 32 characters). Generated (256 bits) when omitted for a confidential client; forbidden for a public client. */
  clientSecret?: pulumi.Input<string>;
  /** This is a public client: no secret, PKCE (S256) required. Default false. */
  publicClient?: pulumi.Input<boolean>;
  /** Names of the auth scopes the client may request (a set). Default none. */
  authScopes?: pulumi.Input<pulumi.Input<string>[]>;
  /** Allow access only to APIs in the selected scope. Default false. */
  allowAccessOnlyToApisInSelectedScope?: pulumi.Input<boolean>;
  /** Tokens reach only APIs of the REST API access policies that apply to this client. Default false. */
  enforceTokenRestriction?: pulumi.Input<boolean>;
  /** Token format: "Opaque" (default) or "JWT". */
  tokenFormat?: pulumi.Input<"Opaque" | "JWT">;
  /** Access token lifespan in seconds. Default 1800. */
  accessTokenLifespan?: pulumi.Input<number>;
  /** Refresh token lifespan in seconds. Default 8,640,000. */
  refreshTokenLifespan?: pulumi.Input<number>;
  /** Login URL: where the login step is sent instead of the built-in page. */
  loginUrl?: pulumi.Input<string>;
  /** Logo URL, shown on the consent screen. */
  logoUrl?: pulumi.Input<string>;
  /** Active. Inactive integrations get no new codes or tokens. Default true. */
  active?: pulumi.Input<boolean>;
  /** Deletion is refused while true. Default false. */
  deletionProtection?: pulumi.Input<boolean>;
  /** Take over an existing record with the same name instead of failing (dynamic providers cannot use `pulumi import`). */
  adopt?: boolean;
}

/** An OAuth authorization code grant integration, managed through the reference server's management API. */
export class AuthorizationCodeGrant extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly providerName: pulumi.Output<string>;
  declare readonly redirectUrls: pulumi.Output<string[]>;
  declare readonly clientId: pulumi.Output<string>;
  /** The client secret (a secret output); unknown to Pulumi for an adopted integration unless declared. */
  declare readonly clientSecret: pulumi.Output<string | undefined>;
  /** Fingerprint of the current client secret; changes when it is rotated. */
  declare readonly clientSecretFingerprint: pulumi.Output<string | undefined>;
  declare readonly publicClient: pulumi.Output<boolean>;
  declare readonly authScopes: pulumi.Output<string[]>;
  declare readonly allowAccessOnlyToApisInSelectedScope: pulumi.Output<boolean>;
  declare readonly enforceTokenRestriction: pulumi.Output<boolean>;
  declare readonly tokenFormat: pulumi.Output<"Opaque" | "JWT">;
  declare readonly accessTokenLifespan: pulumi.Output<number>;
  declare readonly refreshTokenLifespan: pulumi.Output<number>;
  declare readonly loginUrl: pulumi.Output<string | undefined>;
  declare readonly logoUrl: pulumi.Output<string | undefined>;
  declare readonly active: pulumi.Output<boolean>;
  declare readonly deletionProtection: pulumi.Output<boolean>;
  declare readonly version: pulumi.Output<number>;
  declare readonly createdAt: pulumi.Output<string>;
  declare readonly updatedAt: pulumi.Output<string>;
  /** Where clients send people to sign in (/oauth_auth.do). */
  declare readonly authorizeUrl: pulumi.Output<string>;
  declare readonly tokenUrl: pulumi.Output<string>;
  declare readonly jwksUrl: pulumi.Output<string>;
  declare readonly introspectUrl: pulumi.Output<string>;
  declare readonly revokeUrl: pulumi.Output<string>;

  constructor(name: string, args: AuthorizationCodeGrantArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = {
      clientSecretFingerprint: undefined,
      version: undefined,
      createdAt: undefined,
      updatedAt: undefined,
      authorizeUrl: undefined,
      tokenUrl: undefined,
      jwksUrl: undefined,
      introspectUrl: undefined,
      revokeUrl: undefined,
    };
    super(
      providerObject("AuthorizationCodeGrant"),
      name,
      { clientId: undefined, clientSecret: undefined, ...outputs, ...args, __resource: resourceSeed(name) },
      pulumi.mergeOptions(opts, {
        additionalSecretOutputs: ["clientSecret"],
        replaceOnChanges: ["clientId"],
      }),
      "inbound-oauth",
      "AuthorizationCodeGrant",
    );
  }
}
