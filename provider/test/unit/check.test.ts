import { check } from "../../src/check";
import {
  API_ACCESS_POLICY_RESOURCE,
  AUTH_SCOPE_RESOURCE,
  AUTHORIZATION_CODE_GRANT_RESOURCE,
} from "../../src/resources";
import { UNKNOWN } from "../../src/unknowns";

const grant = (overrides: Record<string, unknown> = {}) => ({
  name: "Web app",
  providerName: "Acme",
  redirectUrls: ["https://app.example.com/callback"],
  ...overrides,
});

describe("check: AuthorizationCodeGrant", () => {
  test("fills every documented default", () => {
    const { inputs, failures } = check(AUTHORIZATION_CODE_GRANT_RESOURCE, grant());
    expect(failures).toEqual([]);
    expect(inputs).toEqual({
      ...grant(),
      publicClient: false,
      authScopes: [],
      allowAccessOnlyToApisInSelectedScope: false,
      enforceTokenRestriction: false,
      tokenFormat: "Opaque",
      accessTokenLifespan: 1800,
      refreshTokenLifespan: 8640000,
      active: true,
      deletionProtection: false,
    });
  });

  test.each([
    [
      "a public client with a secret",
      { publicClient: true, clientSecret: "s".repeat(40) },
      "clientSecret",
      /public client/,
    ],
    [
      "an http redirect to a non-loopback host",
      { redirectUrls: ["http://app.example.com/cb"] },
      "redirectUrls.0",
      /https/,
    ],
    [
      "a fragment in a redirect URL",
      { redirectUrls: ["https://app.example.com/cb#x"] },
      "redirectUrls.0",
      /fragment/,
    ],
    [
      "a redirect URL with userinfo",
      { redirectUrls: ["http://evil@127.0.0.1:9999/cb"] },
      "redirectUrls.0",
      /user name or password/,
    ],
    [
      "a redirect URL with another spelling of 127.0.0.1",
      { redirectUrls: ["http://0x7f.0.0.1:9999/cb"] },
      "redirectUrls.0",
      /must write the host as 127\.0\.0\.1/,
    ],
    [
      "a loopback redirect URL with port 0",
      { redirectUrls: ["http://127.0.0.1:0/cb"] },
      "redirectUrls.0",
      /port from 1 to 65535/,
    ],
    [
      "a refresh lifespan shorter than the access lifespan",
      { accessTokenLifespan: 3600, refreshTokenLifespan: 60 },
      "refreshTokenLifespan",
      /shorter/,
    ],
    ["an unknown token format", { tokenFormat: "SAML" }, "tokenFormat", /Opaque|JWT/],
    ["no redirect URL", { redirectUrls: [] }, "redirectUrls", /at least one/],
    [
      "a duplicate redirect URL",
      { redirectUrls: ["https://a.example/cb", "https://a.example/cb"] },
      "redirectUrls.1",
      /twice/,
    ],
    ["a short secret", { clientSecret: "short" }, "clientSecret", /32/],
    ["an unknown property", { colour: "blue" }, "(body)", /colour/],
    ["a wrong type", { active: "yes" }, "active", /boolean/],
    ["a missing name", { name: undefined }, "name", /required/],
    ["a non-boolean adopt", { adopt: "yes" }, "adopt", /true or false/],
  ])("refuses %s, naming the property", (_what, overrides, property, reason) => {
    const { failures } = check(AUTHORIZATION_CODE_GRANT_RESOURCE, grant(overrides));
    const failure = failures.find((f) => f.property === property);
    expect(failure).toBeDefined();
    expect(failure!.reason).toMatch(reason);
  });

  test("loopback http redirects are accepted, in the given order", () => {
    const urls = ["http://localhost:3000/cb", "https://app.example.com/cb", "http://127.0.0.1:8080/cb"];
    const { inputs, failures } = check(AUTHORIZATION_CODE_GRANT_RESOURCE, grant({ redirectUrls: urls }));
    expect(failures).toEqual([]);
    expect(inputs.redirectUrls).toEqual(urls);
  });

  test("adopt is kept for the provider and is not a contract field", () => {
    const { inputs, failures } = check(AUTHORIZATION_CODE_GRANT_RESOURCE, grant({ adopt: true }));
    expect(failures).toEqual([]);
    expect(inputs.adopt).toBe(true);
  });

  test("inputs not known yet (a preview) are left alone; the known ones are still checked", () => {
    const unknownScopes = check(AUTHORIZATION_CODE_GRANT_RESOURCE, grant({ authScopes: [UNKNOWN] }));
    expect(unknownScopes.failures).toEqual([]);
    expect(unknownScopes.inputs.authScopes).toEqual([UNKNOWN]);
    expect(unknownScopes.inputs.tokenFormat).toBe("Opaque");
    const stillChecked = check(
      AUTHORIZATION_CODE_GRANT_RESOURCE,
      grant({ authScopes: UNKNOWN, tokenFormat: "SAML" }),
    );
    expect(stillChecked.failures.map((f) => f.property)).toEqual(["tokenFormat"]);
  });
});

describe("check: AuthScope and ApiAccessPolicy", () => {
  test("an auth scope gets its defaults; a name with a space is refused", () => {
    expect(check(AUTH_SCOPE_RESOURCE, { name: "useraccount" })).toEqual({
      inputs: { name: "useraccount", description: "", limitAuthorizationToApis: [] },
      failures: [],
    });
    expect(check(AUTH_SCOPE_RESOURCE, { name: "user account" }).failures[0]?.property).toBe("name");
  });

  test("a policy needs REST APIs and cannot both apply to all and list integrations", () => {
    expect(check(API_ACCESS_POLICY_RESOURCE, { name: "p", restApis: [] }).failures[0]?.property).toBe(
      "restApis",
    );
    const both = check(API_ACCESS_POLICY_RESOURCE, {
      name: "p",
      restApis: ["Table API"],
      applyToAllIntegrations: true,
      integrations: ["x"],
    });
    expect(both.failures).toEqual([
      { property: "integrations", reason: "must be empty when applyToAllIntegrations is true" },
    ]);
    expect(check(API_ACCESS_POLICY_RESOURCE, { name: "p", restApis: ["Table API"] }).inputs).toEqual({
      name: "p",
      description: "",
      restApis: ["Table API"],
      applyToAllIntegrations: false,
      integrations: [],
      active: true,
    });
  });
});
