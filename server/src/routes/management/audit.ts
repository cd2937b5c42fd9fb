import type { FastifyInstance } from "fastify";
import { AuditListQuerySchema } from "../../contract";
import { listAudit } from "../../domain/audit";
import { decodeCursor } from "../../domain/records/cursor";
import { parseWith } from "../../http/validate";
import type { Database } from "../../storage/database";

/** /audit: every write, oldest first: who, what, which record, which fields (never a secret). */
export function auditRoutes(app: FastifyInstance, db: Database): void {
  app.get("/audit", async (request) => {
    const query = parseWith(AuditListQuerySchema, request.query, "query");
    return listAudit(db, {
      recordId: query.recordId,
      recordKind: query.recordKind,
      actor: query.actor,
      afterId: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
      limit: query.limit,
    });
  });
}
