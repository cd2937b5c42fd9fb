import type { SqlExecutor } from "../../storage/database";
import { API_ACCESS_POLICY, AUTH_SCOPE, type KindSpec, REST_API } from "../records/kinds";
import { listRecords } from "../records/store";
import type { Client } from "./clients";

/** Why a token may not reach an API; checked in this order after the token itself is valid. */
export type AccessRule = "scope" | "token_restriction" | "role";

export type AccessDecision = { allowed: true } | { allowed: false; rule: AccessRule; description: string };

interface ScopeLimits {
  name: string;
  limitAuthorizationToApis: string[];
}

/** Every record of a kind, as name plus fields. */
async function allOf<T>(db: SqlExecutor, kind: KindSpec): Promise<T[]> {
  const items: T[] = [];
  let afterId: string | undefined;
  for (;;) {
    const page = await listRecords(db, kind, { filters: {}, afterId, limit: 200 });
    items.push(...page.records.map((r) => ({ name: r.name, ...r.fields }) as T));
    if (!page.nextCursor) return items;
    afterId = page.records.at(-1)!.id;
  }
}

/**
 * The scope and token-restriction rules, evaluated live against the registry so that a narrowed
 * scope, a removed policy or a changed integration takes effect on the next request:
 * - a scope that lists REST APIs in limitAuthorizationToApis protects them: a token reaches such an
 *   API only if it carries one of the scopes that list it;
 * - with allowAccessOnlyToApisInSelectedScope, a token reaches only the APIs its scopes list;
 * - with enforceTokenRestriction, an active REST API access policy that applies to the client
 *   (applyToAllIntegrations, or the integration listed) must allow the API.
 */
export async function decideApiAccess(
  db: SqlExecutor,
  client: Client,
  tokenScopes: readonly string[],
  apiName: string,
): Promise<AccessDecision> {
  const scopes = await allOf<ScopeLimits>(db, AUTH_SCOPE);
  const granted = scopes.filter((s) => tokenScopes.includes(s.name));
  const reachableByScope = new Set(granted.flatMap((s) => s.limitAuthorizationToApis));
  if (client.allowAccessOnlyToApisInSelectedScope) {
    if (!reachableByScope.has(apiName)) {
      return {
        allowed: false,
        rule: "scope",
        description: `The integration allows access only to APIs in the selected scopes, and none of the token's scopes (${tokenScopes.join(" ") || "none"}) lists "${apiName}".`,
      };
    }
  } else {
    const protecting = scopes.filter((s) => s.limitAuthorizationToApis.includes(apiName)).map((s) => s.name);
    if (protecting.length > 0 && !protecting.some((name) => tokenScopes.includes(name))) {
      return {
        allowed: false,
        rule: "scope",
        description: `"${apiName}" is limited to tokens with scope ${protecting.join(" or ")}.`,
      };
    }
  }
  if (client.enforceTokenRestriction) {
    const policies = await allOf<{
      name: string;
      restApis: string[];
      integrations: string[];
      applyToAllIntegrations: boolean;
      active: boolean;
    }>(db, API_ACCESS_POLICY);
    const allowing = policies.some(
      (p) =>
        p.active &&
        p.restApis.includes(apiName) &&
        (p.applyToAllIntegrations || p.integrations.includes(client.name)),
    );
    if (!allowing) {
      return {
        allowed: false,
        rule: "token_restriction",
        description: `The integration enforces token restriction and no active REST API access policy that applies to it allows "${apiName}".`,
      };
    }
  }
  return { allowed: true };
}

/** The catalog APIs a token with these scopes may reach now (roles aside): the JWT `apis` claim. */
export async function reachableApis(
  db: SqlExecutor,
  client: Client,
  tokenScopes: readonly string[],
): Promise<string[]> {
  const apis = await allOf<{ name: string }>(db, REST_API);
  const reachable: string[] = [];
  for (const api of apis) {
    if ((await decideApiAccess(db, client, tokenScopes, api.name)).allowed) reachable.push(api.name);
  }
  return reachable;
}
