import type { FastifyInstance } from "fastify";
import { ApiAccessPolicyInputSchema, ApiAccessPolicyListQuerySchema } from "../../contract";
import type { Registry } from "../../domain/registry";
import { registerRecordRoutes } from "./records";

/** /api-access-policies: which REST APIs the integrations that enforce token restriction may reach. */
export function apiAccessPolicyRoutes(app: FastifyInstance, registry: Registry): void {
  registerRecordRoutes(app, {
    path: "/api-access-policies",
    service: registry.apiAccessPolicies,
    input: ApiAccessPolicyInputSchema,
    listQuery: ApiAccessPolicyListQuerySchema,
    filters: (query) => ({ name: query.name }),
  });
}
