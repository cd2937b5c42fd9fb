import type { FastifyInstance } from "fastify";
import { INTEGRATION_MANIFEST, RotateSecretInputSchema } from "../../contract";
import type { Clock } from "../../domain/clock";
import { rotateSecret } from "../../domain/kinds/integrations";
import type { Registry } from "../../domain/registry";
import { principalOf } from "../../http/auth";
import { etagOf, versionFromIfMatch } from "../../http/etag";
import { idempotentPost } from "../../http/idempotent";
import { parseWith } from "../../http/validate";
import { recordRoutesOf } from "./kind-routes";
import { registerRecordRoutes } from "./records";

/** /integrations: the authorization code grant integrations (generic routes), plus rotate-secret. */
export function integrationRoutes(app: FastifyInstance, registry: Registry, clock: Clock): void {
  const service = registry.integrations;
  registerRecordRoutes(
    app,
    recordRoutesOf("integration", registry, clock, (outcome) => ({ ...outcome.view, ...outcome.reveal })),
  );

  app.post<{ Params: { id: string } }>(
    `${INTEGRATION_MANIFEST.path}/:id/rotate-secret`,
    async (request, reply) => {
      const expected = versionFromIfMatch(request.headers["if-match"], false);
      const body = parseWith(RotateSecretInputSchema, request.body ?? {}, "body");
      const now = () => clock.now().toISOString();
      return idempotentPost(
        service.db,
        clock,
        request,
        reply,
        (outcome) => ({
          status: 200,
          headers: { etag: etagOf(outcome.view.version) },
          body: { ...outcome.view, ...outcome.reveal },
        }),
        (finish) =>
          service.change(
            principalOf(request).name,
            request.params.id,
            expected,
            "rotateSecret",
            rotateSecret(body.clientSecret, now),
            finish,
          ),
      );
    },
  );
}
