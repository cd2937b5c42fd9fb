import type { FastifyInstance } from "fastify";
import { AuthScopeInputSchema, AuthScopeListQuerySchema } from "../../contract";
import type { Registry } from "../../domain/registry";
import { registerRecordRoutes } from "./records";

/** /auth-scopes: the scopes integrations may request, each optionally limited to REST APIs. */
export function authScopeRoutes(app: FastifyInstance, registry: Registry): void {
  registerRecordRoutes(app, {
    path: "/auth-scopes",
    service: registry.authScopes,
    input: AuthScopeInputSchema,
    listQuery: AuthScopeListQuerySchema,
    filters: (query) => ({ name: query.name }),
  });
}
