import type { z } from "zod";
import {
  ApiAccessPolicyInputSchema,
  AuthScopeInputSchema,
  fieldErrors,
  RestApiInputSchema,
} from "../../src/contract";

/** Field errors of a refused value, or [] when the schema accepted it. */
function errorsOf(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value);
  return result.success ? [] : fieldErrors(result.error);
}

describe("AuthScopeInputSchema", () => {
  it("fills description and limitAuthorizationToApis with their defaults", () => {
    expect(AuthScopeInputSchema.parse({ name: "openid" })).toStrictEqual({
      name: "openid",
      description: "",
      limitAuthorizationToApis: [],
    });
  });

  it.each([
    ["openid"],
    ["useraccount"],
    ["read:orders"],
    ["https://api.example.com/orders.read"],
    ["a!#[]~"],
  ])("accepts the RFC 6749 scope-token %s", (name) => {
    expect(errorsOf(AuthScopeInputSchema, { name })).toEqual([]);
  });

  it.each([
    ["a space", "read orders"],
    ["a double quote", 'read"orders'],
    ["a backslash", "read\\orders"],
    ["a non-ASCII letter", "lecture-café"],
    ["a tab", "read\torders"],
  ])("refuses a scope name with %s, at path name", (_what, name) => {
    const errors = errorsOf(AuthScopeInputSchema, { name });
    expect(errors.length).toBeGreaterThan(0);
    expect(new Set(errors.map((e) => e.path))).toEqual(new Set(["name"]));
    expect(errors.map((e) => e.message)).toContain(
      'must be an OAuth scope token: printable ASCII without spaces, " or \\',
    );
  });

  it("refuses a REST API listed twice in limitAuthorizationToApis, at the second entry", () => {
    const errors = errorsOf(AuthScopeInputSchema, {
      name: "orders",
      limitAuthorizationToApis: ["Table API", "Table API"],
    });
    expect(errors).toEqual([{ path: "limitAuthorizationToApis.1", message: '"Table API" is listed twice' }]);
  });

  it("refuses a description with a control character but accepts tabs and newlines", () => {
    expect(
      errorsOf(AuthScopeInputSchema, { name: "a", description: "bell\u0007" }).map((e) => e.path),
    ).toEqual(["description"]);
    expect(errorsOf(AuthScopeInputSchema, { name: "a", description: "line 1\n\tline 2" })).toEqual([]);
  });

  it("refuses unknown fields", () => {
    expect(errorsOf(AuthScopeInputSchema, { name: "a", scope: "x" })).toEqual([
      { path: "(body)", message: "unknown field(s): scope" },
    ]);
  });
});

describe("ApiAccessPolicyInputSchema", () => {
  const policy = { name: "Orders only", restApis: ["Table API"] };

  it("fills description, applyToAllIntegrations, integrations and active with their defaults", () => {
    expect(ApiAccessPolicyInputSchema.parse(policy)).toStrictEqual({
      name: "Orders only",
      description: "",
      restApis: ["Table API"],
      applyToAllIntegrations: false,
      integrations: [],
      active: true,
    });
  });

  it("refuses applyToAllIntegrations true with a non-empty integrations list, at path integrations", () => {
    const errors = errorsOf(ApiAccessPolicyInputSchema, {
      ...policy,
      applyToAllIntegrations: true,
      integrations: ["Web app"],
    });
    expect(errors).toEqual([
      { path: "integrations", message: "must be empty when applyToAllIntegrations is true" },
    ]);
  });

  it("accepts applyToAllIntegrations true with no integrations, and false with some", () => {
    expect(errorsOf(ApiAccessPolicyInputSchema, { ...policy, applyToAllIntegrations: true })).toEqual([]);
    expect(errorsOf(ApiAccessPolicyInputSchema, { ...policy, integrations: ["Web app", "CLI"] })).toEqual([]);
  });

  it("refuses an empty restApis list, at path restApis", () => {
    expect(errorsOf(ApiAccessPolicyInputSchema, { ...policy, restApis: [] })).toEqual([
      { path: "restApis", message: "must list at least one REST API" },
    ]);
  });

  it("refuses a missing restApis list, at path restApis", () => {
    expect(errorsOf(ApiAccessPolicyInputSchema, { name: "p" })).toEqual([
      { path: "restApis", message: "is required" },
    ]);
  });

  it("refuses an integration listed twice, at the second entry", () => {
    expect(
      errorsOf(ApiAccessPolicyInputSchema, { ...policy, integrations: ["Web app", "CLI", "Web app"] }).map(
        (e) => e.path,
      ),
    ).toEqual(["integrations.2"]);
  });
});

describe("RestApiInputSchema basePath", () => {
  const api = (basePath: unknown) => ({ name: "Orders API", basePath });

  it.each([["/api/x_acme/orders"], ["/api/now/table"], ["/api/v2"], ["/api/x.acme~1/a-b"]])(
    "accepts %s",
    (basePath) => {
      expect(errorsOf(RestApiInputSchema, api(basePath))).toEqual([]);
    },
  );

  it.each([
    ["a path outside /api/", "/x_acme/orders"],
    ["a relative path", "api/x_acme/orders"],
    ["/api/ with nothing after it", "/api/"],
    ["/api without a trailing segment", "/api"],
    ["a full URL", "https://example.com/api/orders"],
    ["a query string", "/api/orders?x=1"],
    ["a fragment", "/api/orders#x"],
    ["a space", "/api/my orders"],
    ["a percent-encoded character", "/api/my%20orders"],
    ["201 characters", `/api/${"a".repeat(196)}`],
    ["a .. segment", "/api/../etc"],
    ["a . segment", "/api/./orders"],
    ["an empty segment", "/api//orders"],
    ["a trailing slash", "/api/orders/"],
  ])("refuses %s, at path basePath", (_what, basePath) => {
    expect(errorsOf(RestApiInputSchema, api(basePath)).map((e) => e.path)).toEqual(["basePath"]);
  });

  it("explains what a valid basePath looks like", () => {
    expect(errorsOf(RestApiInputSchema, api("/orders"))).toEqual([
      {
        path: "basePath",
        message: "must be a path under /api/ without empty, . or .. segments, such as /api/x_acme/orders",
      },
    ]);
  });

  it("accepts a basePath of exactly 200 characters", () => {
    const basePath = `/api/${"a".repeat(195)}`;
    expect(basePath).toHaveLength(200);
    expect(errorsOf(RestApiInputSchema, api(basePath))).toEqual([]);
  });

  it("requires basePath and defaults description to empty", () => {
    expect(errorsOf(RestApiInputSchema, { name: "Orders API" })).toEqual([
      { path: "basePath", message: "is required" },
    ]);
    expect(RestApiInputSchema.parse(api("/api/orders")).description).toBe("");
  });

  it("refuses builtIn in the input (only the server sets it)", () => {
    expect(errorsOf(RestApiInputSchema, { ...api("/api/orders"), builtIn: true })).toEqual([
      { path: "(body)", message: "unknown field(s): builtIn" },
    ]);
  });
});
