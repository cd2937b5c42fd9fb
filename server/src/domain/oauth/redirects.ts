import { isLoopbackHost } from "../../contract";

/**
 * The registered redirect URL a request's redirect_uri names: an exact string match, except that
 * a loopback redirect's port may differ (RFC 8252 §7.3), since native apps bind an ephemeral port.
 */
export function matchRedirectUri(registered: readonly string[], requested: string): string | undefined {
  if (registered.includes(requested)) return requested;
  let asked: URL;
  try {
    asked = new URL(requested);
  } catch {
    return undefined;
  }
  if (asked.protocol !== "http:" || !isLoopbackHost(asked.hostname)) return undefined;
  for (const candidate of registered) {
    let url: URL;
    try {
      url = new URL(candidate);
    } catch {
      continue;
    }
    if (url.protocol !== "http:" || url.hostname !== asked.hostname) continue;
    const withoutPort = (u: URL) => `${u.protocol}//${u.hostname}${u.pathname}${u.search}`;
    if (withoutPort(url) === withoutPort(asked) && !requested.includes("#")) return requested;
  }
  return undefined;
}
