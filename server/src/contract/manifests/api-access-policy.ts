import {
  ApiAccessPolicyFieldsSchema,
  ApiAccessPolicyInputSchema,
  ApiAccessPolicyListQuerySchema,
  ApiAccessPolicySchema,
} from "../api-access-policy";
import { RECORD_META_OUTPUTS, RECORD_TIME_DOCS, type ResourceManifest } from "./manifest";

/** A REST API access policy: which REST APIs the integrations it applies to may reach. */
export const API_ACCESS_POLICY_MANIFEST = {
  kind: "apiAccessPolicy",
  path: "/api-access-policies",
  label: "REST API access policy",
  tag: "REST API access policies",
  schemas: {
    input: ApiAccessPolicyInputSchema,
    fields: ApiAccessPolicyFieldsSchema,
    record: ApiAccessPolicySchema,
    listQuery: ApiAccessPolicyListQuerySchema,
  },
  references: { restApis: "restApi", integrations: "integration" },
  writeErrors: [],
  deleteErrors: [],
  pulumi: {
    className: "ApiAccessPolicy",
    description:
      "A REST API access policy: the REST APIs that the integrations it applies to may reach when they enforce token restriction.",
    orderedLists: [],
    replaceOnChanges: [],
    secretInputs: [],
    recordOutputs: RECORD_META_OUTPUTS,
    computedOutputs: {},
    fieldDocs: {
      description: "Free text about the policy: what it is for, who owns it.",
      ...RECORD_TIME_DOCS,
    },
  },
} as const satisfies ResourceManifest<"apiAccessPolicy">;
