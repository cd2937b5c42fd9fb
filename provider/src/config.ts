import { isLoopbackHost } from "../../server/src/contract";

/** Where the management API is and the admin token to call it with. */
export interface ProviderConfig {
  /** The server's base URL, without a trailing slash. */
  endpoint: string;
  adminToken: string;
}

const NAMESPACE = "inbound-oauth";

/** Each setting: its stack config key (as Pulumi hands it to configure) and its environment variable. */
const SETTINGS = {
  endpoint: {
    key: `${NAMESPACE}:endpoint`,
    env: "INBOUND_OAUTH_ENDPOINT",
    how: `pulumi config set ${NAMESPACE}:endpoint https://auth.example.com`,
  },
  adminToken: {
    key: `${NAMESPACE}:adminToken`,
    env: "INBOUND_OAUTH_ADMIN_TOKEN",
    how: `pulumi config set --secret ${NAMESPACE}:adminToken <token>`,
  },
} as const;

/** A stack config value; some Pulumi versions spell the key `<namespace>:config:<name>`. */
function fromStack(config: Record<string, string | undefined>, key: string): string | undefined {
  const [namespace, name] = key.split(":");
  const value = config[key] ?? config[`${namespace}:config:${name}`];
  return value?.trim() ? value.trim() : undefined;
}

function setting(
  name: keyof typeof SETTINGS,
  stackConfig: Record<string, string | undefined>,
  env: NodeJS.ProcessEnv,
): { value: string; source: string } {
  const { key, env: variable, how } = SETTINGS[name];
  const stack = fromStack(stackConfig, key);
  if (stack !== undefined) return { value: stack, source: `stack config ${key}` };
  const fromEnv = env[variable]?.trim();
  if (fromEnv) return { value: fromEnv, source: `environment variable ${variable}` };
  throw new Error(
    `The inbound-oauth provider needs ${name === "endpoint" ? "the management API's URL" : "an admin token"}: ` +
      `set the stack config ${key} (\`${how}\`) or the environment variable ${variable}.`,
  );
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
    throw refuse(
      `must not contain a user name or password (the admin token goes in ${SETTINGS.adminToken.key})`,
    );
  }
  if (url.search || url.hash) throw refuse("must not have a query (?...) or fragment (#...)");
  return url.href.replace(/\/+$/, "");
}

/**
 * Resolves the provider's settings from stack config (`inbound-oauth:endpoint`,
 * `inbound-oauth:adminToken`, as Pulumi passes them to a dynamic provider's configure) or else the
 * environment (INBOUND_OAUTH_ENDPOINT, INBOUND_OAUTH_ADMIN_TOKEN). A missing or unusable setting is an
 * error naming the key and variable to set; no error ever shows the token.
 */
export function resolveConfig(
  stackConfig: Record<string, string | undefined>,
  env: NodeJS.ProcessEnv,
): ProviderConfig {
  const endpoint = setting("endpoint", stackConfig, env);
  const token = setting("adminToken", stackConfig, env);
  if (/\s/.test(token.value)) {
    throw new Error(
      `The admin token from ${token.source} contains whitespace; set it to the token alone, as \`inbound-oauth admin-token create\` printed it.`,
    );
  }
  return { endpoint: checkEndpoint(endpoint.value, endpoint.source), adminToken: token.value };
}

/** True when the endpoint sends the admin token in clear over a network (plain http, not loopback). */
export function isInsecureEndpoint(endpoint: string): boolean {
  const url = new URL(endpoint);
  return url.protocol === "http:" && !isLoopbackHost(url.hostname);
}
