import { fieldErrors, type IntegrationInput, IntegrationInputSchema, LIFESPAN } from "../../src/contract";

/** The smallest valid body: every other field has a default or is optional. */
const MINIMAL = {
  name: "Web app",
  providerName: "Acme",
  redirectUrls: ["https://app.example.com/callback"],
};

function parse(overrides: Record<string, unknown>) {
  return IntegrationInputSchema.safeParse({ ...MINIMAL, ...overrides });
}

/** The field errors of a body the schema must refuse (fails the test when it is accepted). */
function refusal(overrides: Record<string, unknown>) {
  const result = parse(overrides);
  if (result.success) throw new Error(`expected a refusal, but ${JSON.stringify(overrides)} was accepted`);
  return fieldErrors(result.error);
}

describe("IntegrationInputSchema defaults", () => {
  it("fills every optional setting with its documented default and adds no client ID or secret", () => {
    const result = IntegrationInputSchema.safeParse(MINIMAL);
    expect(result.success).toBe(true);
    expect(result.data).toStrictEqual({
      name: "Web app",
      providerName: "Acme",
      redirectUrls: ["https://app.example.com/callback"],
      publicClient: false,
      authScopes: [],
      allowAccessOnlyToApisInSelectedScope: false,
      enforceTokenRestriction: false,
      tokenFormat: "Opaque",
      accessTokenLifespan: 1800,
      refreshTokenLifespan: 8_640_000,
      active: true,
      deletionProtection: false,
    } satisfies IntegrationInput);
  });

  it("uses the LIFESPAN constants as the lifespan defaults", () => {
    const data = IntegrationInputSchema.parse(MINIMAL);
    expect(data.accessTokenLifespan).toBe(LIFESPAN.accessDefault);
    expect(data.refreshTokenLifespan).toBe(LIFESPAN.refreshDefault);
  });

  it("keeps values the caller gives instead of the defaults", () => {
    const data = IntegrationInputSchema.parse({
      ...MINIMAL,
      publicClient: true,
      tokenFormat: "JWT",
      accessTokenLifespan: 60,
      refreshTokenLifespan: 60,
      active: false,
      deletionProtection: true,
    });
    expect(data).toMatchObject({
      publicClient: true,
      tokenFormat: "JWT",
      accessTokenLifespan: 60,
      refreshTokenLifespan: 60,
      active: false,
      deletionProtection: true,
    });
  });
});

const URL_2049 = `https://app.example.com/${"a".repeat(2049 - "https://app.example.com/".length)}`;
const URL_2048 = URL_2049.slice(0, 2048);

interface RefusalCase {
  what: string;
  body: Record<string, unknown>;
  path: string;
  /** The expected message; undefined where only the path is checked. */
  message: string | RegExp | undefined;
}

const REFUSALS: RefusalCase[] = [
  {
    what: "a public client that sends a clientSecret",
    body: { publicClient: true, clientSecret: "s".repeat(40) },
    path: "clientSecret",
    message: /must be omitted for a public client/,
  },
  {
    what: "a plain-http redirect URL to a non-loopback host",
    body: { redirectUrls: ["http://app.example.com/callback"] },
    path: "redirectUrls.0",
    message: /plain http is allowed only for loopback hosts/,
  },
  {
    what: "a plain-http redirect URL to a host that merely starts with localhost",
    body: { redirectUrls: ["http://localhost.evil.example/callback"] },
    path: "redirectUrls.0",
    message: /plain http is allowed only for loopback hosts/,
  },
  {
    what: "a redirect URL with a fragment",
    body: { redirectUrls: ["https://app.example.com/callback#top"] },
    path: "redirectUrls.0",
    message: "must not contain a fragment (#...)",
  },
  {
    what: "a redirect URL with an empty fragment",
    body: { redirectUrls: ["https://app.example.com/callback#"] },
    path: "redirectUrls.0",
    message: "must not contain a fragment (#...)",
  },
  {
    what: "a relative redirect URL",
    body: { redirectUrls: ["/callback"] },
    path: "redirectUrls.0",
    message: /must be an absolute URL/,
  },
  {
    what: "a javascript: redirect URL",
    body: { redirectUrls: ["javascript:alert(1)"] },
    path: "redirectUrls.0",
    message: "must use https (got javascript)",
  },
  {
    what: "a redirect URL with user info",
    body: { redirectUrls: ["https://user:pass@app.example.com/callback"] },
    path: "redirectUrls.0",
    message: "must not contain a user name or password",
  },
  {
    what: "a redirect URL with a user name only",
    body: { redirectUrls: ["https://user@app.example.com/callback"] },
    path: "redirectUrls.0",
    message: "must not contain a user name or password",
  },
  {
    what: "a redirect URL with an empty user info (an @ before the host)",
    body: { redirectUrls: ["http://@127.0.0.1:9999/callback"] },
    path: "redirectUrls.0",
    message: "must not contain a user name or password",
  },
  {
    what: "a loopback redirect URL with 127.0.0.1 written as 127.1",
    body: { redirectUrls: ["http://127.1:9999/callback"] },
    path: "redirectUrls.0",
    message: "must write the host as 127.0.0.1, not 127.1",
  },
  {
    what: "a loopback redirect URL with port 0",
    body: { redirectUrls: ["http://127.0.0.1:0/callback"] },
    path: "redirectUrls.0",
    message: "must have a port from 1 to 65535 written without leading zeros, or no port",
  },
  {
    what: "a redirect URL with whitespace",
    body: { redirectUrls: ["https://app.example.com/call back"] },
    path: "redirectUrls.0",
    message: "must not contain whitespace",
  },
  {
    what: "the same redirect URL twice (the second is at fault)",
    body: { redirectUrls: ["https://app.example.com/a", "https://app.example.com/a"] },
    path: "redirectUrls.1",
    message: /listed twice/,
  },
  {
    what: "an empty redirectUrls list",
    body: { redirectUrls: [] },
    path: "redirectUrls",
    message: "must list at least one redirect URL",
  },
  {
    what: "a missing redirectUrls list",
    body: { redirectUrls: undefined },
    path: "redirectUrls",
    message: "is required",
  },
  {
    what: "a redirect URL of 2049 characters",
    body: { redirectUrls: [URL_2049] },
    path: "redirectUrls.0",
    message: "must be at most 2048 characters",
  },
  {
    what: "a refresh token lifespan shorter than the access token lifespan",
    body: { accessTokenLifespan: 3600, refreshTokenLifespan: 3599 },
    path: "refreshTokenLifespan",
    message: "must not be shorter than accessTokenLifespan (3600 s)",
  },
  {
    what: "a lifespan that is not a whole number of seconds",
    body: { accessTokenLifespan: 1.5 },
    path: "accessTokenLifespan",
    message: "must be a whole number",
  },
  {
    what: "a zero lifespan",
    body: { accessTokenLifespan: 0 },
    path: "accessTokenLifespan",
    message: /1/,
  },
  {
    what: "a lifespan above ten years",
    body: { refreshTokenLifespan: LIFESPAN.max + 1 },
    path: "refreshTokenLifespan",
    message: /315360000/,
  },
  {
    what: "an unknown tokenFormat",
    body: { tokenFormat: "SAML" },
    path: "tokenFormat",
    message: /Opaque|JWT/,
  },
  {
    what: "an unknown field",
    body: { colour: "red" },
    path: "(body)",
    message: "unknown field(s): colour",
  },
  {
    what: "a string where a boolean belongs",
    body: { publicClient: "true" },
    path: "publicClient",
    message: "must be a boolean",
  },
  {
    what: "a name with a leading space",
    body: { name: " Web app" },
    path: "name",
    message: "must not start or end with whitespace or contain control characters",
  },
  {
    what: "a name with a trailing space",
    body: { name: "Web app " },
    path: "name",
    message: "must not start or end with whitespace or contain control characters",
  },
  {
    what: "a name with a control character",
    body: { name: "Web\u0007app" },
    path: "name",
    message: "must not start or end with whitespace or contain control characters",
  },
  {
    what: "a name of 101 characters",
    body: { name: "n".repeat(101) },
    path: "name",
    message: "must be at most 100 characters",
  },
  {
    what: "an empty name",
    body: { name: "" },
    path: "name",
    message: "must not be empty",
  },
  {
    what: "a missing name",
    body: { name: undefined },
    path: "name",
    message: "is required",
  },
  {
    what: "a client secret of 31 characters",
    body: { clientSecret: "s".repeat(31) },
    path: "clientSecret",
    message: /must be at least 32 characters/,
  },
  {
    what: "a client secret with a space",
    body: { clientSecret: `${"s".repeat(20)} ${"s".repeat(20)}` },
    path: "clientSecret",
    message: "may contain only printable ASCII characters without spaces",
  },
  {
    what: "a client ID with a slash",
    body: { clientId: "client/id/1" },
    path: "clientId",
    message: "may contain only letters, digits and . _ ~ -",
  },
  {
    what: "an auth scope listed twice",
    body: { authScopes: ["openid", "openid"] },
    path: "authScopes.1",
    message: /listed twice/,
  },
  {
    what: "a plain-http login URL to a non-loopback host",
    body: { loginUrl: "http://login.example.com/" },
    path: "loginUrl",
    message: /plain http is allowed only for loopback hosts/,
  },
];

describe("IntegrationInputSchema refusals", () => {
  it.each(REFUSALS)("refuses $what, at path $path", ({ body, path, message }) => {
    const errors = refusal(body);
    expect(errors.map((e) => e.path)).toEqual([path]);
    const [error] = errors;
    if (typeof message === "string") expect(error?.message).toBe(message);
    else if (message) expect(error?.message).toMatch(message);
  });

  it("says a missing required field is required", () => {
    expect(refusal({ providerName: undefined })).toEqual([{ path: "providerName", message: "is required" }]);
  });

  it("describes a value of the wrong type as the wrong type, not as missing", () => {
    const [error] = refusal({ publicClient: "true" });
    expect(error?.message).not.toBe("is required");
    expect(error?.message).toMatch(/boolean/);
  });

  it("reports every faulty field of one body, each at its own path", () => {
    const errors = refusal({
      name: " x",
      redirectUrls: ["http://app.example.com/cb", "https://app.example.com/cb#f"],
      tokenFormat: "SAML",
    });
    expect(errors.map((e) => e.path).sort()).toEqual([
      "name",
      "redirectUrls.0",
      "redirectUrls.1",
      "tokenFormat",
    ]);
  });
});

describe("IntegrationInputSchema acceptances", () => {
  it.each([
    ["http://localhost:8080/cb"],
    ["http://127.0.0.1/cb"],
    ["http://127.0.0.2:3000/cb"],
    ["http://[::1]:9000/cb"],
    ["https://app.example.com/cb?tenant=acme&x=1"],
    ["https://app.example.com:8443/oauth/callback"],
    ["https://app.example.com/é/callback"],
  ])("accepts the redirect URL %s", (url) => {
    const result = parse({ redirectUrls: [url] });
    expect(result.error ? fieldErrors(result.error) : []).toEqual([]);
    expect(result.data?.redirectUrls).toEqual([url]);
  });

  it("accepts a redirect URL of exactly 2048 characters", () => {
    expect(URL_2048).toHaveLength(2048);
    expect(parse({ redirectUrls: [URL_2048] }).success).toBe(true);
  });

  it("accepts a name of exactly 100 characters and a client secret of exactly 32", () => {
    expect(parse({ name: "n".repeat(100), clientSecret: "s".repeat(32) }).success).toBe(true);
  });

  it("accepts equal access and refresh lifespans", () => {
    expect(parse({ accessTokenLifespan: 600, refreshTokenLifespan: 600 }).success).toBe(true);
  });

  it("accepts a confidential client with a caller-supplied secret, and a public client without one", () => {
    expect(parse({ clientSecret: "x".repeat(43) }).success).toBe(true);
    expect(parse({ publicClient: true }).success).toBe(true);
  });

  it("keeps the order of redirect URLs (the first is the default one)", () => {
    const urls = ["https://b.example.com/cb", "https://a.example.com/cb", "http://localhost/cb"];
    expect(parse({ redirectUrls: urls }).data?.redirectUrls).toEqual(urls);
  });
});
