import type { FastifyInstance } from "fastify";
import type { Database } from "../storage/database";

/** /healthz: the process answers. /readyz: it can reach its database and is not shutting down. */
export function healthRoutes(app: FastifyInstance, db: Database, isClosing: () => boolean): void {
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (request, reply) => {
    if (isClosing()) return reply.code(503).send({ status: "closing" });
    try {
      await db.ping();
      return { status: "ready", database: db.dialect };
    } catch (error) {
      request.log.warn({ err: error }, "database unreachable");
      return reply.code(503).send({ status: "database unreachable" });
    }
  });
}
