import * as pulumi from "@pulumi/pulumi";
import { providerObject, resourceSeed } from "./provider-object";

export interface AuthScopeArgs {
  /** Auth scope name, as clients request it in the scope parameter. Unique. */
  name: pulumi.Input<string>;
  /** Shown to people on the consent screen. Default empty. */
  description?: pulumi.Input<string>;
  /** Names of the REST APIs this scope reaches (a set); empty means no limit. */
  limitAuthorizationToApis?: pulumi.Input<pulumi.Input<string>[]>;
  /** Take over an existing scope with the same name instead of failing. */
  adopt?: boolean;
}

/** An auth scope integrations may request. */
export class AuthScope extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string>;
  declare readonly limitAuthorizationToApis: pulumi.Output<string[]>;
  declare readonly version: pulumi.Output<number>;
  declare readonly createdAt: pulumi.Output<string>;
  declare readonly updatedAt: pulumi.Output<string>;

  constructor(name: string, args: AuthScopeArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerObject("AuthScope"),
      name,
      {
        version: undefined,
        createdAt: undefined,
        updatedAt: undefined,
        ...args,
        __resource: resourceSeed(name),
      },
      opts,
      "inbound-oauth",
      "AuthScope",
    );
  }
}
