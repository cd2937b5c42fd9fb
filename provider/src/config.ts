import { isLoopbackHost } from "../../server/src/contract";

/** Where the management API is and the admin token to call it with. */
export interface ProviderConfig {
  /** The server's base URL, without a trailing slash. */
  endpoint: string;
  adminToken: string;
  /** Where the token came from, for messages (never the token itself). */
  tokenSource: string;
  /** Things the user should fix that did not stop the provider (printed once per process). */
  warnings: string[];
}

const NAMESPACE = "inbound-oauth";
export const ENDPOINT_KEY = `${NAMESPACE}:endpoint`;
export const ENDPOINT_ENV = "INBOUND_OAUTH_ENDPOINT";
/** The stack config key that earlier versions read the token from: now refused, see resolveConfig. */
export const TOKEN_KEY = `${NAMESPACE}:adminToken`;
export const TOKEN_ENV = "INBOUND_OAUTH_ADMIN_TOKEN";
export const TOKEN_SOURCE = `the environment variable ${TOKEN_ENV}`;

/** A stack config value; some Pulumi versions spell the key `<namespace>:config:<name>`. */
function fromStack(config: Record<string, string | undefined>, key: string): string | undefined {
  const [namespace, name] = key.split(":");
  const value = config[key] ?? config[`${namespace}:config:${name}`];
  return value?.trim() ? value.trim() : undefined;
}

function endpointSetting(
  stackConfig: Record<string, string | undefined>,
  env: NodeJS.ProcessEnv,
): { value: string; source: string } {
  const stack = fromStack(stackConfig, ENDPOINT_KEY);
  if (stack !== undefined) return { value: stack, source: `stack config ${ENDPOINT_KEY}` };
  const fromEnv = env[ENDPOINT_ENV]?.trim();
  if (fromEnv) return { value: fromEnv, source: `environment variable ${ENDPOINT_ENV}` };
  throw new Error(
    `The inbound-oauth provider needs the management API's URL: set the stack config ${ENDPOINT_KEY} ` +
      `(\`pulumi config set ${ENDPOINT_KEY} https://auth.example.com\`) or the environment variable ${ENDPOINT_ENV}.`,
  );
}

/**
 * Why the stack config key is not read. For a dynamic provider Pulumi records the whole stack config
 * in the state (the inputs of the `pulumi-nodejs` default provider), and a plain refresh, the
 * refresh of `up --refresh` and destroy configure the provider from that recorded copy, not from the
 * current stack config: a token kept there would outlive `pulumi config rm` and a rotation.
 */
const WHY_NOT_STACK_CONFIG =
  `${TOKEN_KEY} is not used: Pulumi records a dynamic provider's stack config in the state, and ` +
  "refresh and destroy run with that recorded copy, so a token kept there would outlive " +
  `\`pulumi config rm\` and a rotation. Remove it (\`pulumi config rm ${TOKEN_KEY}\`) and run ` +
  `\`pulumi up\` once with ${TOKEN_ENV} set, so the state no longer holds it.`;

function tokenSetting(
  stackConfig: Record<string, string | undefined>,
  env: NodeJS.ProcessEnv,
): { value: string; warnings: string[] } {
  const inConfig = fromStack(stackConfig, TOKEN_KEY) !== undefined;
  const value = env[TOKEN_ENV]?.trim();
  if (!value) {
    throw new Error(
      `The inbound-oauth provider needs an admin token: set the environment variable ${TOKEN_ENV} ` +
        "for this command (`inbound-oauth admin-token create --name NAME --role viewer` prints one; " +
        `previews and drift checks need only viewer).${inConfig ? ` The stack config ${WHY_NOT_STACK_CONFIG}` : ""}`,
    );
  }
  if (/\s/.test(value)) {
    throw new Error(
      `The admin token from ${TOKEN_SOURCE} contains whitespace; set it to the token alone, as \`inbound-oauth admin-token create\` printed it.`,
    );
  }
  const warnings = inConfig
    ? [
        `inbound-oauth: the admin token comes from ${TOKEN_ENV}; the stack config (or the copy an earlier \`pulumi up\` recorded in the state) ${WHY_NOT_STACK_CONFIG}`,
      ]
    : [];
  return { value, warnings };
}

/** The endpoint as a base URL. Errors never repeat the value: a token pasted there by mistake stays unseen. */
function checkEndpoint(value: string, source: string): string {
  const refuse = (what: string) => new Error(`${source} ${what}.`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw refuse("must be an http(s) URL such as https://auth.example.com");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw refuse(`must be an http(s) URL such as https://auth.example.com (it uses ${url.protocol})`);
  }
  if (url.username || url.password) {
    throw refuse(`must not contain a user name or password (the admin token goes in ${TOKEN_ENV})`);
  }
  if (url.search || url.hash) throw refuse("must not have a query (?...) or fragment (#...)");
  return url.href.replace(/\/+$/, "");
}

/**
 * Resolves the provider's settings. The endpoint: stack config `inbound-oauth:endpoint` (as Pulumi
 * passes it to a dynamic provider's configure: the current config for preview and up, the copy
 * recorded in the state for refresh and destroy), else INBOUND_OAUTH_ENDPOINT. The admin token: only
 * INBOUND_OAUTH_ADMIN_TOKEN, the environment of the command being run, so every command runs with
 * the credential given to it then; a token in the stack config is never used (a warning says so
 * when the environment has one, the error says so when it has none). No error shows the token.
 */
export function resolveConfig(
  stackConfig: Record<string, string | undefined>,
  env: NodeJS.ProcessEnv,
): ProviderConfig {
  const endpoint = endpointSetting(stackConfig, env);
  const token = tokenSetting(stackConfig, env);
  return {
    endpoint: checkEndpoint(endpoint.value, endpoint.source),
    adminToken: token.value,
    tokenSource: TOKEN_SOURCE,
    warnings: token.warnings,
  };
}

/** True when the endpoint sends the admin token in clear over a network (plain http, not loopback). */
export function isInsecureEndpoint(endpoint: string): boolean {
  const url = new URL(endpoint);
  return url.protocol === "http:" && !isLoopbackHost(url.hostname);
}
