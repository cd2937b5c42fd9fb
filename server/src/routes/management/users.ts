import type { FastifyInstance, FastifyRequest } from "fastify";
import { USER_MANIFEST } from "../../contract";
import { ApiError } from "../../domain/api-error";
import type { Registry } from "../../domain/registry";
import { principalOf } from "../../http/auth";
import { recordRoutesOf } from "./kind-routes";
import { registerRecordRoutes } from "./records";

/** Resource owners are managed by admin tokens only: reading them is refused to other roles too. */
async function requireAdmin(request: FastifyRequest): Promise<void> {
  const principal = principalOf(request);
  if (principal.role !== "admin") {
    throw new ApiError(
      "FORBIDDEN",
      `The token "${principal.name}" has the ${principal.role} role; users (resource owners) can be read and changed only with a token that has the admin role.`,
    );
  }
}

/** /users: the resource owners who log in to the authorization server. Never shows a password. */
export function userRoutes(app: FastifyInstance, registry: Registry): void {
  // An encapsulated child: the admin check applies to these routes only. Its prefix is the parent's.
  app.register(async (scope) => {
    scope.addHook("onRequest", requireAdmin);
    registerRecordRoutes(scope, recordRoutesOf(USER_MANIFEST, registry.users));
  });
}
