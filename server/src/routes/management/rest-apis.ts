import type { FastifyInstance } from "fastify";
import { RestApiInputSchema, RestApiListQuerySchema } from "../../contract";
import type { Registry } from "../../domain/registry";
import { registerRecordRoutes } from "./records";

/** /rest-apis: the REST API catalog. Built-in sample APIs are read-only; more can be added. */
export function restApiRoutes(app: FastifyInstance, registry: Registry): void {
  registerRecordRoutes(app, {
    path: "/rest-apis",
    service: registry.restApis,
    input: RestApiInputSchema,
    listQuery: RestApiListQuerySchema,
    filters: (query) => ({ name: query.name }),
  });
}
