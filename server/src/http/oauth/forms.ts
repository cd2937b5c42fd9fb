import type { FastifyInstance, FastifyRequest } from "fastify";
import { OAuthError } from "../../domain/oauth/errors";

/**
 * A parsed application/x-www-form-urlencoded body: a repeated parameter keeps every value. A
 * null-prototype object, so that no parameter name (toString, constructor, __proto__...) meets an
 * inherited property.
 */
export type FormBody = Record<string, string | string[]>;

export const FORM_MEDIA_TYPE = "application/x-www-form-urlencoded";

/** A null-prototype record: lookups see only what was put in. */
export function emptyRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

export function parseForm(body: string): FormBody {
  const form = emptyRecord<string | string[]>();
  for (const [key, value] of new URLSearchParams(body)) {
    const previous = Object.hasOwn(form, key) ? form[key] : undefined;
    form[key] =
      previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return form;
}

/**
 * Makes form bodies the only bodies this scope accepts (the OAuth endpoints and the login and
 * consent pages): a JSON or any other body is refused by Fastify as an unsupported media type.
 */
export function acceptOnlyForms(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(FORM_MEDIA_TYPE, { parseAs: "string", bodyLimit: 16 * 1024 }, (_req, body, done) =>
    done(null, parseForm(body as string)),
  );
}

/** True when the Content-Type is exactly application/x-www-form-urlencoded (parameters such as charset aside). */
export function isForm(contentType: string | undefined): boolean {
  return contentType?.split(";")[0]?.trim().toLowerCase() === FORM_MEDIA_TYPE;
}

/**
 * The parameters an endpoint knows, from a form or query, under RFC 6749 §3.1: a parameter sent
 * without a value is treated as omitted; a known parameter must not repeat (the name of a repeated
 * one is returned, once empty values are set aside); any other parameter, whatever its name
 * (toString, constructor, __proto__...), is ignored — it is never even read.
 */
export function singleValued(
  source: unknown,
  known: readonly string[],
): { params: Record<string, string>; repeated?: string } {
  const params = emptyRecord<string>();
  if (source === null || typeof source !== "object" || Array.isArray(source)) return { params };
  let repeated: string | undefined;
  for (const name of known) {
    if (!Object.hasOwn(source, name)) continue;
    const value: unknown = (source as Record<string, unknown>)[name];
    const values = (Array.isArray(value) ? value : [value]).filter(
      (v): v is string => typeof v === "string" && v !== "",
    );
    if (values.length > 1) repeated ??= name;
    else if (values.length === 1) params[name] = values[0]!;
  }
  return repeated === undefined ? { params } : { params, repeated };
}

/**
 * The parameters of a token, introspection or revocation request: a form body only (RFC 6749
 * §4.1.3, RFC 7662 §2.1, RFC 7009 §2.1), no parameter repeated (§3.1); else invalid_request.
 */
export function oauthForm(request: FastifyRequest, known: readonly string[]): Record<string, string> {
  if (!isForm(request.headers["content-type"]))
    throw new OAuthError("invalid_request", "Send the parameters as application/x-www-form-urlencoded.");
  const { params, repeated } = singleValued(request.body, known);
  if (repeated) throw new OAuthError("invalid_request", `The parameter ${repeated} is repeated.`);
  return params;
}
