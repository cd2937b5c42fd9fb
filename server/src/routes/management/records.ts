import type { FastifyInstance } from "fastify";
import type { z } from "zod";
import type { RecordMeta } from "../../domain/records/behaviour";
import type { RecordService } from "../../domain/records/service";
import { principalOf } from "../../http/auth";
import { etagOf, versionFromIfMatch } from "../../http/etag";
import { idempotencyOf, sendWritten } from "../../http/idempotent";
import { parseWith } from "../../http/validate";

export interface RecordRoutes<
  I extends { name: string },
  R extends RecordMeta,
  P,
  Q extends { limit: number; cursor?: string },
> {
  /** e.g. /integrations, under the /api/v1 prefix. */
  path: string;
  service: RecordService<I, R, P>;
  input: z.ZodType<I, unknown>;
  listQuery: z.ZodType<Q, unknown>;
  filters: (query: Q) => Record<string, string | undefined>;
}

export const idParams = {
  type: "object",
  properties: { id: { type: "string" } },
  required: ["id"],
} as const;

/** POST, GET list, GET one, PUT (If-Match required) and DELETE for one kind of record. */
export function registerRecordRoutes<
  I extends { name: string },
  R extends RecordMeta,
  P,
  Q extends { limit: number; cursor?: string },
>(app: FastifyInstance, routes: RecordRoutes<I, R, P, Q>): void {
  const { path, service } = routes;

  app.post(path, async (request, reply) => {
    const input = parseWith(routes.input, request.body, "body");
    const write = {
      actor: principalOf(request).name,
      operation: { kind: "create" as const, input, collectionUrl: `${app.prefix}${path}` },
      idempotency: idempotencyOf(request),
    };
    return sendWritten(reply, await service.write(write));
  });

  app.get(path, async (request) => {
    const query = parseWith(routes.listQuery, request.query, "query");
    return service.list(routes.filters(query), { cursor: query.cursor, limit: query.limit });
  });

  app.get<{ Params: { id: string } }>(`${path}/:id`, async (request, reply) => {
    const view = await service.get(request.params.id, request.registryGeneration);
    return reply.header("etag", etagOf(view.version)).send(view);
  });

  app.put<{ Params: { id: string } }>(`${path}/:id`, async (request, reply) => {
    const expected = versionFromIfMatch(request.headers["if-match"], true);
    const input = parseWith(routes.input, request.body, "body");
    const view = await service.replace(principalOf(request).name, request.params.id, expected, input);
    return reply.header("etag", etagOf(view.version)).send(view);
  });

  app.delete<{ Params: { id: string } }>(`${path}/:id`, async (request, reply) => {
    const expected = versionFromIfMatch(request.headers["if-match"], false);
    await service.remove(principalOf(request).name, request.params.id, expected);
    return reply.code(204).send();
  });
}
