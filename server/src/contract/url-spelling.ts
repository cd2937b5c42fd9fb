/**
 * How a URL is written, as opposed to what it parses to. WHATWG URL parsing maps many strings to one
 * URL (`http://127.1/`, `http://0x7f.0.0.1/` and `http://2130706433/` all become
 * `http://127.0.0.1/`; `http://@host/` loses its empty userinfo), so rules that compare redirect
 * URLs as strings must look at the text itself.
 */

/** An absolute URL's text, split as written (before any WHATWG normalisation). */
export interface RawUrlParts {
  scheme: string;
  /** Everything before the last @ of the authority, when there is an @ (even with nothing before it). */
  userinfo?: string;
  /** The host as written: a name, an IPv4 address in any spelling, or a bracketed IPv6 address. */
  host: string;
  /** The port as written, when the authority has a colon after the host (possibly empty). */
  port?: string;
  /** Path, query and fragment as written. */
  rest: string;
}

/**
 * Splits `scheme://authority rest` as written. Undefined when the text is not of that form: WHATWG
 * parsing also accepts `http:host`, `http:/host` or backslashes, which redirect URLs may not use.
 */
export function rawUrlParts(value: string): RawUrlParts | undefined {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#\\]*)(.*)$/su.exec(value);
  if (!match) return undefined;
  const [, scheme, authority, rest] = match as unknown as [string, string, string, string];
  const at = authority.lastIndexOf("@");
  const hostPort = at < 0 ? authority : authority.slice(at + 1);
  const close = hostPort.startsWith("[") ? hostPort.indexOf("]") + 1 : 0;
  const colon = hostPort.indexOf(":", close);
  return {
    scheme,
    ...(at < 0 ? {} : { userinfo: authority.slice(0, at) }),
    host: colon < 0 ? hostPort : hostPort.slice(0, colon),
    ...(colon < 0 ? {} : { port: hostPort.slice(colon + 1) }),
    rest,
  };
}

/**
 * What is wrong with how a parsed URL is written, beyond what WHATWG parsing checks: userinfo (even
 * an empty one, which parsing drops), an IP address or loopback name not in its canonical spelling
 * (`127.1`, `0x7f.0.0.1`, `2130706433`, `0177.0.0.1` all parse as 127.0.0.1), port 0 or a port with
 * leading zeros or no digits. Each lets one string stand for another, which exact matching of
 * redirect URLs must not allow. `isLoopback` decides which parsed host names are loopback ones.
 */
export function urlSpellingProblems(
  value: string,
  url: URL,
  isLoopback: (host: string) => boolean,
): string[] {
  const raw = rawUrlParts(value);
  if (!raw) return ["must be written as scheme://host/path (as https://app.example.com/callback)"];
  const problems: string[] = [];
  if (raw.userinfo !== undefined) {
    problems.push("must not contain a user name or password");
  }
  const ip = /^\d+\.\d+\.\d+\.\d+$/.test(url.hostname) || url.hostname.startsWith("[");
  if ((ip || isLoopback(url.hostname)) && raw.host.toLowerCase() !== url.hostname) {
    problems.push(`must write the host as ${url.hostname}, not ${raw.host}`);
  }
  if (raw.port !== undefined && !/^[1-9][0-9]{0,4}$/.test(raw.port)) {
    problems.push("must have a port from 1 to 65535 written without leading zeros, or no port");
  }
  return problems;
}
