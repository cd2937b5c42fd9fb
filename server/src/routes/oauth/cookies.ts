import type { FastifyReply, FastifyRequest } from "fastify";

export const SESSION_COOKIE = "ioa_session";
export const CSRF_COOKIE = "ioa_csrf";

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index < 0) continue;
    if (part.slice(0, index).trim() === name) return decodeURIComponent(part.slice(index + 1).trim());
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
