import type { FastifyInstance } from "fastify";
import { ApiError } from "../domain/api-error";
import { sendProblem } from "../http/problem";
import type { Database } from "../storage/database";

/** /healthz: the process answers. /readyz: it can reach its database and is not shutting down. */
export function healthRoutes(app: FastifyInstance, db: Database, isClosing: () => boolean): void {
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (request, reply) => {
    if (isClosing())
      return sendProblem(
        reply,
        new ApiError("NOT_READY", "The server is shutting down; send requests to another instance."),
      );
    try {
      await db.ping();
      return { status: "ready", database: db.dialect };
    } catch (error) {
      request.log.warn({ err: error }, "database unreachable");
      return sendProblem(
        reply,
        new ApiError(
          "NOT_READY",
          "The server cannot reach its database; retry shortly or use another instance.",
        ),
      );
    }
  });
}
