import { isInsecureEndpoint, resolveConfig } from "../../src/config";

const TOKEN = "ioa_0123456789abcdef0123456789abcdef_secret-part-of-the-admin-token-xyz12";

function failure(stack: Record<string, string | undefined>, env: NodeJS.ProcessEnv = {}): string {
  try {
    resolveConfig(stack, env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected resolveConfig to fail");
}

describe("resolveConfig", () => {
  test("stack config, as Pulumi passes it to configure, comes first", () => {
    const config = resolveConfig(
      { "inbound-oauth:endpoint": "https://auth.example.com/", "inbound-oauth:adminToken": TOKEN },
      { INBOUND_OAUTH_ENDPOINT: "https://other.example.com", INBOUND_OAUTH_ADMIN_TOKEN: "other" },
    );
    expect(config).toEqual({ endpoint: "https://auth.example.com", adminToken: TOKEN });
  });

  test("the environment fills what stack config lacks; the legacy key form is read too", () => {
    expect(
      resolveConfig(
        { "inbound-oauth:config:endpoint": "http://127.0.0.1:8080" },
        { INBOUND_OAUTH_ADMIN_TOKEN: TOKEN },
      ),
    ).toEqual({ endpoint: "http://127.0.0.1:8080", adminToken: TOKEN });
    expect(
      resolveConfig(
        {},
        { INBOUND_OAUTH_ENDPOINT: "https://auth.example.com/base/", INBOUND_OAUTH_ADMIN_TOKEN: TOKEN },
      ),
    ).toEqual({ endpoint: "https://auth.example.com/base", adminToken: TOKEN });
  });

  test("a missing setting names the config key and the variable to set", () => {
    const endpoint = failure({ "inbound-oauth:adminToken": TOKEN });
    expect(endpoint).toContain("inbound-oauth:endpoint");
    expect(endpoint).toContain("INBOUND_OAUTH_ENDPOINT");
    const token = failure({
      "inbound-oauth:endpoint": "https://auth.example.com",
      "inbound-oauth:adminToken": " ",
    });
    expect(token).toContain("pulumi config set --secret inbound-oauth:adminToken");
    expect(token).toContain("INBOUND_OAUTH_ADMIN_TOKEN");
  });

  test.each([
    ["not a URL", "auth.example.com", "must be an http(s) URL"],
    ["another scheme", "ftp://auth.example.com", "(it uses ftp:)"],
    ["credentials", `https://admin:${TOKEN}@auth.example.com`, "must not contain a user name or password"],
    ["a query", "https://auth.example.com/?x=1", "must not have a query"],
  ])("an endpoint with %s is refused, naming where it came from", (_what, endpoint, message) => {
    const text = failure({ "inbound-oauth:endpoint": endpoint, "inbound-oauth:adminToken": TOKEN });
    expect(text).toContain("stack config inbound-oauth:endpoint");
    expect(text).toContain(message);
    expect(text).not.toContain(TOKEN);
  });

  test("errors never show the token, even one pasted into the endpoint or with stray whitespace", () => {
    expect(failure({ "inbound-oauth:endpoint": TOKEN, "inbound-oauth:adminToken": TOKEN })).not.toContain(
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
