// Where the provider's settings come from. The rule: the admin token only from the command's own
// environment (INBOUND_OAUTH_ADMIN_TOKEN), never from the stack config that configure receives,
// which for refresh and destroy is the copy Pulumi recorded in the state; the endpoint from that
// config, else INBOUND_OAUTH_ENDPOINT. Checked over generated configs and environments.
import fc from "fast-check";
import { isInsecureEndpoint, resolveConfig, TOKEN_ENV, TOKEN_KEY } from "../../src/config";

const TOKEN = "ioa_0123456789abcdef0123456789abcdef_secret-part-of-the-admin-token-xyz12";

function failure(stack: Record<string, string | undefined>, env: NodeJS.ProcessEnv = {}): string {
  try {
    resolveConfig(stack, env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected resolveConfig to fail");
}

const token = fc.stringMatching(/^ioa_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
const endpoint = fc.oneof(
  fc.domain().map((host) => `https://${host}`),
  fc.integer({ min: 1, max: 65535 }).map((port) => `http://127.0.0.1:${port}`),
);
/** A value as configure may hand it over: absent, blank, or set (maybe padded). */
const maybe = <T extends string>(value: fc.Arbitrary<T>) =>
  fc.oneof(
    fc.constant(undefined),
    fc.constantFrom("", " "),
    value,
    value.map((v) => ` ${v}\t`),
  );
/** Either spelling of a key that Pulumi versions use: `ns:name` or `ns:config:name`. */
const spelling = fc.constantFrom("plain", "legacy");
const key = (name: string, form: string) =>
  form === "plain" ? `inbound-oauth:${name}` : `inbound-oauth:config:${name}`;

const world = fc.record({
  configEndpoint: maybe(endpoint),
  configToken: maybe(token),
  envEndpoint: maybe(endpoint),
  envToken: maybe(token),
  endpointForm: spelling,
  tokenForm: spelling,
});

type World = typeof world extends fc.Arbitrary<infer T> ? T : never;

function inputs(w: World) {
  const stack: Record<string, string | undefined> = {
    [key("endpoint", w.endpointForm)]: w.configEndpoint,
    [key("adminToken", w.tokenForm)]: w.configToken,
  };
  const env: NodeJS.ProcessEnv = {
    INBOUND_OAUTH_ENDPOINT: w.envEndpoint,
    INBOUND_OAUTH_ADMIN_TOKEN: w.envToken,
  };
  return { stack, env };
}

const set = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);
const hasEndpoint = (w: World) => (set(w.configEndpoint) ?? set(w.envEndpoint)) !== undefined;
const base = (url: string) => new URL(url).href.replace(/\/+$/, "");

describe("resolveConfig", () => {
  test("the token is the environment's, whatever the stack config (or its recorded copy) holds", () => {
    fc.assert(
      fc.property(world, (w) => {
        const { stack, env } = inputs(w);
        const expectedEndpoint = set(w.configEndpoint) ?? set(w.envEndpoint);
        if (expectedEndpoint === undefined || set(w.envToken) === undefined) {
          expect(() => resolveConfig(stack, env)).toThrow();
          return;
        }
        const config = resolveConfig(stack, env);
        expect(config.adminToken).toBe(set(w.envToken));
        expect(config.tokenSource).toBe(`the environment variable ${TOKEN_ENV}`);
        expect(config.endpoint).toBe(base(expectedEndpoint));
      }),
      { numRuns: 500 },
    );
  });

  test("a token in the stack config is never used: a warning says so when the environment has one", () => {
    fc.assert(
      fc.property(world, (w) => {
        fc.pre(hasEndpoint(w) && set(w.envToken) !== undefined);
        const { stack, env } = inputs(w);
        const config = resolveConfig(stack, env);
        const inConfig = set(w.configToken) !== undefined;
        expect(config.warnings).toHaveLength(inConfig ? 1 : 0);
        for (const warning of config.warnings) {
          expect(warning).toContain(`${TOKEN_KEY} is not used`);
          expect(warning).toContain(`pulumi config rm ${TOKEN_KEY}`);
          for (const secret of [w.configToken, w.envToken])
            if (set(secret)) expect(warning).not.toContain(set(secret));
        }
      }),
      { numRuns: 300 },
    );
  });

  test("no token in the environment is an error naming the variable, and why a config token does not count", () => {
    fc.assert(
      fc.property(world, (w) => {
        fc.pre(hasEndpoint(w) && set(w.envToken) === undefined);
        const { stack, env } = inputs(w);
        const message = failure(stack, env);
        expect(message).toContain(`set the environment variable ${TOKEN_ENV}`);
        const inConfig = set(w.configToken) !== undefined;
        expect(message.includes(`${TOKEN_KEY} is not used`)).toBe(inConfig);
        if (inConfig) expect(message).not.toContain(set(w.configToken));
      }),
      { numRuns: 300 },
    );
  });

  test("the endpoint: stack config first (either key spelling), else INBOUND_OAUTH_ENDPOINT, trailing slash dropped", () => {
    expect(
      resolveConfig(
        { "inbound-oauth:config:endpoint": "http://127.0.0.1:8080/" },
        { INBOUND_OAUTH_ENDPOINT: "https://other.example.com", INBOUND_OAUTH_ADMIN_TOKEN: TOKEN },
      ),
    ).toMatchObject({ endpoint: "http://127.0.0.1:8080", adminToken: TOKEN, warnings: [] });
    expect(
      resolveConfig(
        {},
        { INBOUND_OAUTH_ENDPOINT: "https://auth.example.com/base/", INBOUND_OAUTH_ADMIN_TOKEN: TOKEN },
      ),
    ).toMatchObject({ endpoint: "https://auth.example.com/base", adminToken: TOKEN });
    const missing = failure({}, { INBOUND_OAUTH_ADMIN_TOKEN: TOKEN });
    expect(missing).toContain("inbound-oauth:endpoint");
    expect(missing).toContain("INBOUND_OAUTH_ENDPOINT");
  });

  test.each([
    ["not a URL", "auth.example.com", "must be an http(s) URL"],
    ["another scheme", "ftp://auth.example.com", "(it uses ftp:)"],
    ["credentials", `https://admin:${TOKEN}@auth.example.com`, "must not contain a user name or password"],
    ["a query", "https://auth.example.com/?x=1", "must not have a query"],
  ])("an endpoint with %s is refused, naming where it came from", (_what, url, message) => {
    const text = failure({ "inbound-oauth:endpoint": url }, { INBOUND_OAUTH_ADMIN_TOKEN: TOKEN });
    expect(text).toContain("stack config inbound-oauth:endpoint");
    expect(text).toContain(message);
    expect(text).not.toContain(TOKEN);
  });

  test("errors never show the token, even one pasted into the endpoint or with stray whitespace", () => {
    expect(failure({ "inbound-oauth:endpoint": TOKEN }, { INBOUND_OAUTH_ADMIN_TOKEN: TOKEN })).not.toContain(
      TOKEN,
    );
    const spaced = failure(
      {},
      { INBOUND_OAUTH_ENDPOINT: "https://a.example", INBOUND_OAUTH_ADMIN_TOKEN: `${TOKEN} x` },
    );
    expect(spaced).toContain("environment variable INBOUND_OAUTH_ADMIN_TOKEN");
    expect(spaced).not.toContain(TOKEN);
  });

  test("plain http to a remote host is flagged as sending the token in clear", () => {
    expect(isInsecureEndpoint("http://auth.internal:8080")).toBe(true);
    expect(isInsecureEndpoint("http://127.0.0.1:8080")).toBe(false);
    expect(isInsecureEndpoint("https://auth.example.com")).toBe(false);
  });
});
