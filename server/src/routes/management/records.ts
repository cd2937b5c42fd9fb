import type { FastifyInstance } from "fastify";
import type { z } from "zod";
import type { Clock } from "../../domain/clock";
import type { StoredResponse } from "../../domain/idempotency";
import type { Outcome, RecordService, View } from "../../domain/records/service";
import { principalOf } from "../../http/auth";
import { etagOf, versionFromIfMatch } from "../../http/etag";
import { idempotentPost } from "../../http/idempotent";
import { parseWith } from "../../http/validate";

export interface RecordRoutes<I extends { name: string }, Q extends { limit: number; cursor?: string }> {
  /** e.g. /integrations, under the /api/v1 prefix. */
  path: string;
  service: RecordService<I>;
  input: z.ZodType<I, unknown>;
  listQuery: z.ZodType<Q, unknown>;
  filters: (query: Q) => Record<string, string | undefined>;
  /** The body of a create response; by default the record. */
  created?: (outcome: Outcome) => unknown;
  clock: Clock;
}

export const idParams = {
  type: "object",
  properties: { id: { type: "string" } },
  required: ["id"],
} as const;

/** Where a record lives, for Location headers. */
export function locationOf(prefix: string, path: string, view: View): string {
  return `${prefix}${path}/${view.id}`;
}

/** POST, GET list, GET one, PUT (If-Match required) and DELETE for one kind of record. */
export function registerRecordRoutes<
  I extends { name: string },
  Q extends { limit: number; cursor?: string },
>(app: FastifyInstance, routes: RecordRoutes<I, Q>): void {
  const { path, service } = routes;
  const respondCreated = (outcome: Outcome): StoredResponse => ({
    status: 201,
    headers: { location: locationOf(app.prefix, path, outcome.view), etag: etagOf(outcome.view.version) },
    body: routes.created ? routes.created(outcome) : outcome.view,
  });

  app.post(path, async (request, reply) => {
    const input = parseWith(routes.input, request.body, "body");
    return idempotentPost(service.db, routes.clock, request, reply, respondCreated, (finish) =>
      service.create(principalOf(request).name, input, finish),
    );
  });

  app.get(path, async (request) => {
    const query = parseWith(routes.listQuery, request.query, "query");
    return service.list(routes.filters(query), { cursor: query.cursor, limit: query.limit });
  });

  app.get<{ Params: { id: string } }>(`${path}/:id`, async (request, reply) => {
    const view = await service.get(request.params.id);
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
