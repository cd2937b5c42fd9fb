import type { ApiAccessPolicy, AuthScope } from "../../contract";
import type { Client } from "./clients";
import type { RegistryView } from "./registry-cache";

/** Why a token may not reach an API; checked in this order after the token itself is valid. */
export type AccessRule = "scope" | "token_restriction" | "role";

export type AccessDecision = { allowed: true } | { allowed: false; rule: AccessRule; description: string };

type ScopeLimits = Pick<AuthScope, "name" | "limitAuthorizationToApis">;

type Policy = Pick<
  ApiAccessPolicy,
  "name" | "restApis" | "integrations" | "applyToAllIntegrations" | "active"
>;

/** The registry's access rules as they are now: scopes' API limits and, when needed, the policies. */
export interface AccessRules {
  scopes: readonly ScopeLimits[];
  policies: readonly Policy[];
}

/** Reads the rules live (policies only for a client that enforces token restriction). */
export async function loadAccessRules(live: RegistryView, client: Client): Promise<AccessRules> {
  const scopes = await live.scopes();
  const policies = client.enforceTokenRestriction ? await live.policies() : [];
  return { scopes, policies };
}

/**
 * The scope and token-restriction rules, evaluated on rules read live from the registry so that a
 * narrowed scope, a removed policy or a changed integration takes effect on the next request:
 * - a scope that lists REST APIs in limitAuthorizationToApis protects them: a token reaches such an
 *   API only if it carries one of the scopes that list it;
 * - with allowAccessOnlyToApisInSelectedScope, a token reaches only the APIs its scopes list;
 * - with enforceTokenRestriction, an active REST API access policy that applies to the client
 *   (applyToAllIntegrations, or the integration listed) must allow the API.
 */
export function decide(
  rules: AccessRules,
  client: Client,
  tokenScopes: readonly string[],
  apiName: string,
): AccessDecision {
  const granted = rules.scopes.filter((s) => tokenScopes.includes(s.name));
  if (client.allowAccessOnlyToApisInSelectedScope) {
    if (!granted.some((s) => s.limitAuthorizationToApis.includes(apiName))) {
      return {
        allowed: false,
        rule: "scope",
        description: `The integration allows access only to APIs in the selected scopes, and none of the token's scopes (${tokenScopes.join(" ") || "none"}) lists "${apiName}".`,
      };
    }
  } else {
    const protecting = rules.scopes
      .filter((s) => s.limitAuthorizationToApis.includes(apiName))
      .map((s) => s.name);
    if (protecting.length > 0 && !protecting.some((name) => tokenScopes.includes(name))) {
      return {
        allowed: false,
        rule: "scope",
        description: `"${apiName}" is limited to tokens with scope ${protecting.join(" or ")}.`,
      };
    }
  }
  if (client.enforceTokenRestriction) {
    const allowing = rules.policies.some(
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

/** One API call's decision, with the rules read live. */
export async function decideApiAccess(
  live: RegistryView,
  client: Client,
  tokenScopes: readonly string[],
  apiName: string,
): Promise<AccessDecision> {
  return decide(await loadAccessRules(live, client), client, tokenScopes, apiName);
}

/** The catalog APIs a token with these scopes may reach now (roles aside): the JWT `apis` claim. */
export async function reachableApis(
  live: RegistryView,
  client: Client,
  tokenScopes: readonly string[],
): Promise<string[]> {
  const [rules, apis] = await Promise.all([loadAccessRules(live, client), live.restApis()]);
  return apis.filter((api) => decide(rules, client, tokenScopes, api.name).allowed).map((api) => api.name);
}
