import { RestApiInputSchema, RestApiListQuerySchema, RestApiSchema } from "../rest-api";
import type { ResourceManifest } from "./manifest";

/** An entry of the REST API catalog (not managed by the Pulumi provider). */
export const REST_API_MANIFEST = {
  kind: "restApi",
  path: "/rest-apis",
  label: "REST API",
  tag: "REST API catalog",
  schemas: {
    input: RestApiInputSchema,
    fields: RestApiInputSchema,
    record: RestApiSchema,
    listQuery: RestApiListQuerySchema,
  },
  references: {},
  writeErrors: ["BUILT_IN_READ_ONLY"],
  deleteErrors: ["BUILT_IN_READ_ONLY"],
} as const satisfies ResourceManifest<"restApi">;
