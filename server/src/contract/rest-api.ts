import { z } from "zod";
import { DescriptionSchema, NameListQuerySchema, NameSchema, RecordMetaShape } from "./common";

/** An entry of the REST API catalog. Built-in sample APIs are read-only; more can be added. */
export const RestApiInputSchema = z.strictObject({
  name: NameSchema.describe("REST API name, as scopes and policies refer to it. Unique."),
  basePath: z
    .string()
    .max(200)
    .regex(
      /^\/api(\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+$/,
      "must be a path under /api/ without empty, . or .. segments, such as /api/x_acme/orders",
    )
    .describe("Path prefix the API serves."),
  description: DescriptionSchema.default(""),
});
export type RestApiInput = z.infer<typeof RestApiInputSchema>;

export const RestApiSchema = RestApiInputSchema.extend({
  ...RecordMetaShape,
  builtIn: z.boolean().describe("Built-in sample APIs cannot be changed or deleted."),
});
export type RestApi = z.infer<typeof RestApiSchema>;

export const RestApiListQuerySchema = NameListQuerySchema;
