import { fingerprint as serverFingerprint } from "../../../server/src/domain/secrets";
import { check } from "../../src/check";
import { diff } from "../../src/diff";
import { secretFingerprint } from "../../src/fingerprint";
import {
  API_ACCESS_POLICY_RESOURCE,
  AUTH_SCOPE_RESOURCE,
  AUTHORIZATION_CODE_GRANT_RESOURCE,
} from "../../src/resources";
import { UNKNOWN } from "../../src/unknowns";

const SECRET = "generated-secret-generated-secret-0123456789";
const inputs = (overrides: Record<string, unknown> = {}) =>
  check(AUTHORIZATION_CODE_GRANT_RESOURCE, {
    name: "Web app",
    providerName: "Acme",
    redirectUrls: ["https://a.example/cb", "https://b.example/cb"],
    authScopes: ["one", "two"],
    ...overrides,
  }).inputs;
/** The state after a create: the inputs plus what the server returned. */
const state = (overrides: Record<string, unknown> = {}) => ({
  ...inputs(),
  id: "01a22270-8392-7558-a68f-4081ab3d2e19",
  clientId: "0123456789abcdef0123456789abcdef",
  clientSecret: SECRET,
  clientSecretFingerprint: secretFingerprint(SECRET),
  version: 1,
  createdAt: "2026-11-28T12:00:00.000Z",
  ...overrides,
});

describe("diff: AuthorizationCodeGrant", () => {
  test("the same declaration is no change", () => {
    expect(diff(AUTHORIZATION_CODE_GRANT_RESOURCE, state(), inputs())).toMatchObject({
      changes: false,
      replaces: [],
      changed: [],
    });
  });

  test.each([
    ["name", { name: "Renamed" }],
    ["providerName", { providerName: "Other" }],
    ["publicClient", { publicClient: true }],
    ["allowAccessOnlyToApisInSelectedScope", { allowAccessOnlyToApisInSelectedScope: true }],
    ["enforceTokenRestriction", { enforceTokenRestriction: true }],
    ["tokenFormat", { tokenFormat: "JWT" }],
    ["accessTokenLifespan", { accessTokenLifespan: 900 }],
    ["refreshTokenLifespan", { refreshTokenLifespan: 86400 }],
    ["loginUrl", { loginUrl: "https://login.example/" }],
    ["logoUrl", { logoUrl: "https://cdn.example/logo.png" }],
    ["active", { active: false }],
    ["deletionProtection", { deletionProtection: true }],
    ["redirectUrls", { redirectUrls: ["https://a.example/cb"] }],
    ["authScopes", { authScopes: ["one"] }],
  ])("a change of %s updates in place", (property, overrides) => {
    const result = diff(AUTHORIZATION_CODE_GRANT_RESOURCE, state(), inputs(overrides));
    expect(result).toMatchObject({ changes: true, replaces: [], changed: [property] });
  });

  test("redirectUrls compare in order: swapping them is a change", () => {
    const result = diff(
      AUTHORIZATION_CODE_GRANT_RESOURCE,
      state(),
      inputs({ redirectUrls: ["https://b.example/cb", "https://a.example/cb"] }),
    );
    expect(result.changed).toEqual(["redirectUrls"]);
  });

  test("authScopes compare as a set: reordering them is no change", () => {
    expect(
      diff(AUTHORIZATION_CODE_GRANT_RESOURCE, state(), inputs({ authScopes: ["two", "one"] })).changes,
    ).toBe(false);
  });

  test("an omitted clientId keeps the generated one; a declared different one replaces, deleting first", () => {
    expect(diff(AUTHORIZATION_CODE_GRANT_RESOURCE, state(), inputs()).changed).not.toContain("clientId");
    const same = diff(
      AUTHORIZATION_CODE_GRANT_RESOURCE,
      state(),
      inputs({ clientId: "0123456789abcdef0123456789abcdef" }),
    );
    expect(same.changes).toBe(false);
    const other = diff(AUTHORIZATION_CODE_GRANT_RESOURCE, state(), inputs({ clientId: "another-client-id" }));
    expect(other).toMatchObject({ changes: true, replaces: ["clientId"], deleteBeforeReplace: true });
    const renamed = diff(
      AUTHORIZATION_CODE_GRANT_RESOURCE,
      state(),
      inputs({ clientId: "another-client-id", name: "New name" }),
    );
    expect(renamed.deleteBeforeReplace).toBe(false);
  });

  test("a declared secret is compared through its fingerprint, without revealing either value", () => {
    const declared = "declared-secret-declared-secret-declared";
    const before = state({ clientSecret: declared, clientSecretFingerprint: secretFingerprint(declared) });
    expect(diff(AUTHORIZATION_CODE_GRANT_RESOURCE, before, inputs({ clientSecret: declared })).changes).toBe(
      false,
    );
    const changed = diff(
      AUTHORIZATION_CODE_GRANT_RESOURCE,
      before,
      inputs({ clientSecret: `${declared}-v2` }),
    );
    expect(changed.changed).toEqual(["clientSecret"]);
    expect(JSON.stringify(changed)).not.toContain(declared);
  });

  test("an out-of-band rotation found by refresh (new fingerprint) is a change, declared secret or not", () => {
    const rotated = state({
      clientSecretFingerprint: secretFingerprint("rotated-behind-our-back-0123456789abc"),
    });
    expect(diff(AUTHORIZATION_CODE_GRANT_RESOURCE, rotated, inputs()).changed).toEqual(["clientSecret"]);
    const declared = "declared-secret-declared-secret-declared";
    expect(
      diff(AUTHORIZATION_CODE_GRANT_RESOURCE, rotated, inputs({ clientSecret: declared })).changed,
    ).toEqual(["clientSecret"]);
  });

  test("an input not known yet counts as a change", () => {
    expect(
      diff(AUTHORIZATION_CODE_GRANT_RESOURCE, state(), { ...inputs(), authScopes: [UNKNOWN] }).changed,
    ).toEqual(["authScopes"]);
  });

  test("adopt is the provider's own switch: flipping it is no change", () => {
    expect(diff(AUTHORIZATION_CODE_GRANT_RESOURCE, state(), inputs({ adopt: true })).changes).toBe(false);
  });

  test("the provider computes the same fingerprint as the server", () => {
    for (const secret of [SECRET, "x".repeat(32), "ünïcödé-secret-with-accents-0123456789"]) {
      expect(secretFingerprint(secret)).toBe(serverFingerprint(secret));
    }
  });
});

describe("diff: set semantics of the other resources", () => {
  test("AuthScope limitAuthorizationToApis is a set", () => {
    const olds = check(AUTH_SCOPE_RESOURCE, {
      name: "s",
      limitAuthorizationToApis: ["Table API", "Attachment API"],
    }).inputs;
    expect(
      diff(
        AUTH_SCOPE_RESOURCE,
        olds,
        check(AUTH_SCOPE_RESOURCE, { name: "s", limitAuthorizationToApis: ["Attachment API", "Table API"] })
          .inputs,
      ).changes,
    ).toBe(false);
    expect(
      diff(
        AUTH_SCOPE_RESOURCE,
        olds,
        check(AUTH_SCOPE_RESOURCE, { name: "s", limitAuthorizationToApis: ["Table API"] }).inputs,
      ).changed,
    ).toEqual(["limitAuthorizationToApis"]);
  });

  test("ApiAccessPolicy restApis and integrations are sets", () => {
    const olds = check(API_ACCESS_POLICY_RESOURCE, {
      name: "p",
      restApis: ["A", "B"],
      integrations: ["x", "y"],
    }).inputs;
    const reordered = check(API_ACCESS_POLICY_RESOURCE, {
      name: "p",
      restApis: ["B", "A"],
      integrations: ["y", "x"],
    }).inputs;
    expect(diff(API_ACCESS_POLICY_RESOURCE, olds, reordered).changes).toBe(false);
    const fewer = check(API_ACCESS_POLICY_RESOURCE, {
      name: "p",
      restApis: ["A"],
      integrations: ["x", "y"],
    }).inputs;
    expect(diff(API_ACCESS_POLICY_RESOURCE, olds, fewer).changed).toEqual(["restApis"]);
  });
});
