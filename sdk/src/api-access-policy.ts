import * as pulumi from "@pulumi/pulumi";
import { providerObject, resourceSeed } from "./provider-object";

export interface ApiAccessPolicyArgs {
  /** Policy name. Unique. */
  name: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  /** Names of the REST APIs this policy allows (a set; at least one). */
  restApis: pulumi.Input<pulumi.Input<string>[]>;
  /** Applies to every integration; then integrations must be empty. Default false. */
  applyToAllIntegrations?: pulumi.Input<boolean>;
  /** Names of the integrations this policy applies to (a set). */
  integrations?: pulumi.Input<pulumi.Input<string>[]>;
  /** Inactive policies allow nothing. Default true. */
  active?: pulumi.Input<boolean>;
  /** Take over an existing policy with the same name instead of failing. */
  adopt?: boolean;
}

/** A REST API access policy: which REST APIs the integrations that enforce token restriction may reach. */
export class ApiAccessPolicy extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string>;
  declare readonly restApis: pulumi.Output<string[]>;
  declare readonly integrations: pulumi.Output<string[]>;
  declare readonly applyToAllIntegrations: pulumi.Output<boolean>;
  declare readonly active: pulumi.Output<boolean>;
  declare readonly version: pulumi.Output<number>;
  declare readonly createdAt: pulumi.Output<string>;
  declare readonly updatedAt: pulumi.Output<string>;

  constructor(name: string, args: ApiAccessPolicyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerObject("ApiAccessPolicy"),
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
      "ApiAccessPolicy",
    );
  }
}
