import { isLoopbackHost, RedirectUrlSchema, rawUrlParts } from "../../contract";
import type { OAuthError } from "./errors";

/**
 * The registered redirect URL a request's redirect_uri names: an exact string match, except that
 * a loopback redirect's port may differ (RFC 8252 §7.3), since native apps bind an ephemeral port.
 * The requested URI must itself be a valid redirect URL under the registration rules — no userinfo
 * (`http://evil@127.0.0.1:9999/cb`), IP addresses in their canonical spelling, no port 0 — and the
 * port-varying match compares the strings as written, only the port set aside.
 */
export function matchRedirectUri(registered: readonly string[], requested: string): string | undefined {
  if (!RedirectUrlSchema.safeParse(requested).success) return undefined;
  if (registered.includes(requested)) return requested;
  const asked = rawUrlParts(requested);
  if (asked?.scheme !== "http" || !isLoopbackHost(asked.host)) return undefined;
  for (const candidate of registered) {
    const url = rawUrlParts(candidate);
    if (url?.scheme !== "http" || url.userinfo !== undefined) continue;
    if (url.host === asked.host && url.rest === asked.rest) return requested;
  }
  return undefined;
}

/** The client's redirect URI with the response parameters added (its own query kept), and iss (RFC 9207). */
export function redirectWith(
  redirectUri: string,
  params: Record<string, string | undefined>,
  issuer: string,
): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(key, value);
  url.searchParams.set("iss", issuer);
  return url.toString();
}

/** A refusal sent back to the client's redirect URI (RFC 6749 §4.1.2.1): the error, its public description, the state. */
export function errorRedirect(
  redirectUri: string,
  error: OAuthError,
  state: string | undefined,
  issuer: string,
): string {
  return redirectWith(redirectUri, { ...error.body(), state }, issuer);
}
