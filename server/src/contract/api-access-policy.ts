import { z } from "zod";
import { DescriptionSchema, distinctList, NameListQuerySchema, NameSchema, RecordMetaShape } from "./common";

/** A REST API access policy: which REST APIs the integrations it applies to may reach. */
export const ApiAccessPolicyFieldsSchema = z.strictObject({
  name: NameSchema.describe("Policy name. Unique."),
  description: DescriptionSchema.default(""),
  restApis: distinctList(NameSchema, 100)
    .min(1, "must list at least one REST API")
    .describe("Names of the REST APIs this policy allows."),
  applyToAllIntegrations: z
    .boolean()
    .default(false)
    .describe("Applies to every integration; when true, integrations must be empty."),
  integrations: distinctList(NameSchema, 1000)
    .default([])
    .describe("Names of the integrations this policy applies to."),
  active: z.boolean().default(true).describe("Inactive policies allow nothing."),
});

export const ApiAccessPolicyInputSchema = ApiAccessPolicyFieldsSchema.superRefine((value, ctx) => {
  if (value.applyToAllIntegrations && value.integrations.length > 0) {
    ctx.addIssue({
      code: "custom",
      path: ["integrations"],
      message: "must be empty when applyToAllIntegrations is true",
    });
  }
});
export type ApiAccessPolicyInput = z.infer<typeof ApiAccessPolicyInputSchema>;

export const ApiAccessPolicySchema = ApiAccessPolicyFieldsSchema.extend(RecordMetaShape);
export type ApiAccessPolicy = z.infer<typeof ApiAccessPolicySchema>;

export const ApiAccessPolicyListQuerySchema = NameListQuerySchema;
