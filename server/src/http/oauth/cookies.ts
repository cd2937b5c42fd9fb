import type { FastifyReply, FastifyRequest } from "fastify";

export const SESSION_COOKIE = "ioa_session";
export const CSRF_COOKIE = "ioa_csrf";

/**
 * The value of this server's cookie `name` (the first one the header names), or undefined when the
 * header has none or its value does not parse (bad percent-encoding): a cookie that does not parse
 * counts as absent, never as an error, since a browser or another site may have set anything.
 */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== "string" || header === "") return undefined;
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index < 0 || part.slice(0, index).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(index + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** HttpOnly, SameSite=Lax (the authorize request arrives by cross-site navigation), Secure on https. */
export function setCookie(
  reply: FastifyReply,
  name: string,
  value: string,
  options: { secure: boolean; maxAge?: number },
) {
  const attributes = [`${name}=${encodeURIComponent(value)}`, "Path=/", "HttpOnly", "SameSite=Lax"];
  if (options.secure) attributes.push("Secure");
  if (options.maxAge !== undefined) attributes.push(`Max-Age=${options.maxAge}`);
  const previous = reply.getHeader("set-cookie");
  const list =
    previous === undefined ? [] : Array.isArray(previous) ? previous.map(String) : [String(previous)];
  reply.header("set-cookie", [...list, attributes.join("; ")]);
}
