// Random declared states of each resource kind, for property-based and model-based tests: every
// property, the optional ones present or absent, lists in any order, a secret declared or left to
// be generated. Names, client IDs and secrets carry a prefix given at run time, so that runs
// against one server never collide. fast-check only; no I/O.
import fc from "fast-check";
import {
  API_ACCESS_POLICY_RESOURCE,
  AUTH_SCOPE_RESOURCE,
  AUTHORIZATION_CODE_GRANT_RESOURCE,
  type ProviderResource,
} from "../../src/resources";

/** A declaration with its unique parts still to be prefixed (see materialize). */
export type Template = Record<string, unknown>;

/** What the declarations may refer to: records that exist on the server before the run. */
export interface References {
  scopes: readonly string[];
  restApis: readonly string[];
  integrations: readonly string[];
}

export const BUILT_IN_REST_APIS = ["Table API", "Attachment API", "Aggregate API"] as const;

const REDIRECTS = [
  "https://app.example.com/cb",
  "https://app.example.com/other",
  "http://127.0.0.1:8400/cb",
  "https://second.example.org/oauth",
];
export const PAGE_URLS = ["https://login.example.com/", "https://cdn.example.com/logo.png#v2"];

const absentOr = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
/** A list in any order (fast-check's unique arrays come out in random order). */
const anyOrder = <T>(values: readonly T[], min = 0) =>
  fc.uniqueArray(fc.constantFrom(...values), { minLength: min, maxLength: values.length });
const withoutAbsent = (record: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));

export function integrationTemplate(refs: References): fc.Arbitrary<Template> {
  return fc
    .record({
      name: fc.constantFrom("app-a", "app-b"),
      providerName: fc.constantFrom("Acme", "Example Inc"),
      redirectUrls: anyOrder(REDIRECTS, 1),
      clientId: absentOr(fc.constantFrom("client-a", "client-b")),
      clientSecret: absentOr(fc.constantFrom("secret-one", "secret-two")),
      publicClient: absentOr(fc.boolean()),
      authScopes: absentOr(anyOrder(refs.scopes)),
      allowAccessOnlyToApisInSelectedScope: absentOr(fc.boolean()),
      enforceTokenRestriction: absentOr(fc.boolean()),
      tokenFormat: absentOr(fc.constantFrom("JWT", "Opaque")),
      accessTokenLifespan: absentOr(fc.constantFrom(60, 1800, 3600)),
      refreshTokenLifespan: absentOr(fc.constantFrom(3600, 86_400, 8_640_000)),
      loginUrl: absentOr(fc.constantFrom(PAGE_URLS[0]!)),
      logoUrl: absentOr(fc.constantFrom(PAGE_URLS[1]!)),
      active: absentOr(fc.boolean()),
      deletionProtection: absentOr(fc.boolean()),
    })
    .map((t) => withoutAbsent(t.publicClient ? { ...t, clientSecret: undefined } : t));
}

export function authScopeTemplate(refs: References): fc.Arbitrary<Template> {
  return fc
    .record({
      name: fc.constantFrom("scope.a", "scope.b"),
      description: absentOr(fc.constantFrom("", "Read things")),
      limitAuthorizationToApis: absentOr(anyOrder(refs.restApis)),
    })
    .map(withoutAbsent);
}

export function apiAccessPolicyTemplate(refs: References): fc.Arbitrary<Template> {
  return fc
    .record({
      name: fc.constantFrom("policy-a", "policy-b"),
      description: absentOr(fc.constantFrom("", "Who may call what")),
      restApis: anyOrder(refs.restApis, 1),
      applyToAllIntegrations: absentOr(fc.boolean()),
      integrations: absentOr(anyOrder(refs.integrations)),
      active: absentOr(fc.boolean()),
    })
    .map((t) => withoutAbsent(t.applyToAllIntegrations ? { ...t, integrations: undefined } : t));
}

export const KIND_TEMPLATES: ReadonlyArray<{
  kind: ProviderResource;
  name: "AuthorizationCodeGrant" | "AuthScope" | "ApiAccessPolicy";
  template: (refs: References) => fc.Arbitrary<Template>;
}> = [
  { kind: AUTHORIZATION_CODE_GRANT_RESOURCE, name: "AuthorizationCodeGrant", template: integrationTemplate },
  { kind: AUTH_SCOPE_RESOURCE, name: "AuthScope", template: authScopeTemplate },
  { kind: API_ACCESS_POLICY_RESOURCE, name: "ApiAccessPolicy", template: apiAccessPolicyTemplate },
];

/** The declaration itself: unique values (name, clientId, secret) get the run's prefix. */
export function materialize(template: Template, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...template };
  out.name = `${prefix}${String(template.name)}`;
  if (typeof template.clientId === "string") out.clientId = `${prefix}${template.clientId}`.padEnd(8, "0");
  if (typeof template.clientSecret === "string")
    out.clientSecret = `${prefix}${template.clientSecret}-0123456789abcdef0123456789`;
  return out;
}
