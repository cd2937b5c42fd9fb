import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { BUILT_IN_REST_APIS } from "../../domain/kinds/rest-apis";
import { decideApiAccess } from "../../domain/oauth/access";
import { checkToken } from "../../domain/oauth/token-check";
import { type OAuthContext, requestContext } from "../../http/oauth/context";

/** Roles the sample APIs require: reading needs one of READ_ROLES, writing one of WRITE_ROLES. */
export const READ_ROLES = ["user", "itil", "admin"];
export const WRITE_ROLES = ["itil", "admin"];

const SAMPLE_ROWS: Record<string, Record<string, string>[]> = {
  incident: [
    {
      sys_id: "9d385017c611228701d22104cc95c371",
      number: "INC0000001",
      short_description: "Cannot read email",
      state: "New",
    },
    {
      sys_id: "e8caedcbc0a80164017df472f39eaed1",
      number: "INC0000002",
      short_description: "Printer jammed",
      state: "In Progress",
    },
  ],
  sys_user: [{ sys_id: "6816f79cc0a8016401c5a33be04be441", user_name: "abel.tuter", name: "Abel Tuter" }],
};

type Refusal = {
  status: 401 | 403;
  error: "invalid_token" | "insufficient_scope";
  rule: string;
  description: string;
};

function refuse(reply: FastifyReply, refusal: Refusal): true {
  const challenge = `Bearer realm="inbound-oauth", error="${refusal.error}", error_description="${refusal.description.replace(/["\\]/g, "'")}"`;
  reply
    .code(refusal.status)
    .header("www-authenticate", challenge)
    .header("cache-control", "no-store")
    .send({ error: refusal.error, error_description: refusal.description, rule: refusal.rule });
  return true;
}

/**
 * Enforces, in order: the token is valid, unexpired, unrevoked and its client active; the API is
 * allowed by the token's scopes (and, with token restriction, by an access policy); the user's
 * roles allow the operation. Every check reads the registry live. A refusal names its rule.
 * Returns true when it refused (and answered) the request.
 */
async function refused(
  ctx: OAuthContext,
  request: FastifyRequest,
  reply: FastifyReply,
  apiName: string,
  write: boolean,
): Promise<boolean> {
  const header = request.headers.authorization ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) {
    reply.header("www-authenticate", 'Bearer realm="inbound-oauth"');
    reply.code(401).send({
      error: "invalid_token",
      error_description: "Send an access token: Authorization: Bearer <token>.",
      rule: "token",
    });
    return true;
  }
  const tokens = await requestContext(ctx);
  const check = await checkToken(tokens, match[1]!, "access");
  if (!check.active)
    return refuse(reply, { status: 401, error: "invalid_token", rule: "token", description: check.reason });
  const { token } = check;
  const scopes = token.row.scope ? token.row.scope.split(" ") : [];
  const decision = await decideApiAccess(tokens.live, token.client, scopes, apiName);
  if (!decision.allowed)
    return refuse(reply, {
      status: 403,
      error: "insufficient_scope",
      rule: decision.rule,
      description: decision.description,
    });
  const needed = write ? WRITE_ROLES : READ_ROLES;
  if (!token.roles.some((role) => needed.includes(role))) {
    return refuse(reply, {
      status: 403,
      error: "insufficient_scope",
      rule: "role",
      description: `${write ? "Changing" : "Reading"} ${apiName} needs one of the roles ${needed.join(", ")}; ${token.username} has ${token.roles.join(", ") || "none"}.`,
    });
  }
  return false;
}

/** The built-in sample REST APIs of the catalog, protected by access tokens. */
export function sampleApiRoutes(app: FastifyInstance, ctx: OAuthContext): void {
  const [table, attachment, aggregate] = BUILT_IN_REST_APIS.map((api) => api.name) as [
    string,
    string,
    string,
  ];
  app.get<{ Params: { table: string } }>("/api/now/table/:table", async (request, reply) => {
    if (await refused(ctx, request, reply, table, false)) return reply;
    return { result: SAMPLE_ROWS[request.params.table] ?? [] };
  });
  app.post<{ Params: { table: string } }>("/api/now/table/:table", async (request, reply) => {
    if (await refused(ctx, request, reply, table, true)) return reply;
    return reply.code(201).send({
      result: { sys_id: "00000000000000000000000000000000", table: request.params.table, created: true },
    });
  });
  app.get("/api/now/attachment", async (request, reply) => {
    if (await refused(ctx, request, reply, attachment, false)) return reply;
    return { result: [{ file_name: "network-diagram.png", size_bytes: "48213", content_type: "image/png" }] };
  });
  app.get<{ Params: { table: string } }>("/api/now/stats/:table", async (request, reply) => {
    if (await refused(ctx, request, reply, aggregate, false)) return reply;
    return { result: { stats: { count: String((SAMPLE_ROWS[request.params.table] ?? []).length) } } };
  });
}
