import type { FastifyReply, FastifyRequest } from "fastify";
import { randomCredential } from "../../domain/oauth/opaque";
import { safeEqual } from "../../domain/secrets";
import { CSRF_COOKIE, readCookie, setCookie } from "./cookies";

/**
 * Double-submit CSRF protection for the login and consent forms: a random cookie, and the same
 * value in a hidden field. Another site can neither read the cookie nor set it for this origin.
 */
export function csrfToken(request: FastifyRequest, reply: FastifyReply, secure: boolean): string {
  const existing = readCookie(request, CSRF_COOKIE);
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomCredential();
  setCookie(reply, CSRF_COOKIE, token, { secure });
  return token;
}

export function csrfValid(request: FastifyRequest, submitted: string | undefined): boolean {
  const cookie = readCookie(request, CSRF_COOKIE);
  return Boolean(cookie && submitted && safeEqual(cookie, submitted));
}
