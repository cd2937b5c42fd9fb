import type { FastifyInstance } from "fastify";
import { INTEGRATION_MANIFEST, RotateSecretInputSchema } from "../../contract";
import type { Registry } from "../../domain/registry";
import { principalOf } from "../../http/auth";
import { versionFromIfMatch } from "../../http/etag";
import { idempotencyOf, sendWritten } from "../../http/idempotent";
import { parseWith } from "../../http/validate";
import { recordRoutesOf } from "./kind-routes";
import { registerRecordRoutes } from "./records";

/** /integrations: the authorization code grant integrations (generic routes), plus rotate-secret. */
export function integrationRoutes(app: FastifyInstance, registry: Registry): void {
  const service = registry.integrations;
  registerRecordRoutes(app, recordRoutesOf(INTEGRATION_MANIFEST, service));

  app.post<{ Params: { id: string } }>(
    `${INTEGRATION_MANIFEST.path}/:id/rotate-secret`,
    async (request, reply) => {
      const expectedVersion = versionFromIfMatch(request.headers["if-match"], false);
      const body = parseWith(RotateSecretInputSchema, request.body ?? {}, "body");
      const write = {
        actor: principalOf(request).name,
        operation: {
          kind: "rotateSecret" as const,
          id: request.params.id,
          expectedVersion,
          clientSecret: body.clientSecret,
        },
        idempotency: idempotencyOf(request),
      };
      return sendWritten(reply, await service.write(write));
    },
  );
}
