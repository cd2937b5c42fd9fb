import type { FastifyInstance } from "fastify";
import type { SigningKeys } from "../../domain/oauth/keys";
import { principalOf } from "../../http/auth";

/** /keys: the token-signing keys (public halves only) and their rotation. */
export function keyRoutes(app: FastifyInstance, keys: SigningKeys): void {
  app.get("/keys", async () => ({ items: await keys.list() }));

  app.post("/keys/rotate", async (request, reply) => {
    const key = await keys.rotate(principalOf(request).name);
    return reply.code(201).send(key);
  });
}
