// Random HTTP requests to the OAuth runtime, as fast-check arbitraries: any method, every OAuth
// endpoint and page (and paths beside them), query strings and bodies built from the parameter
// names the endpoints read, the names that trip naive parsers, and random ones, with values that
// are random, malformed, or real (client ids, secrets, codes, tokens, cookies of this server: the
// `pool`, so that requests get past the first checks), and any content type, header and cookie.
import fc from "fast-check";
import type { InjectOptions } from "fastify";

export const OAUTH_PATHS = [
  "/oauth/authorize",
  "/oauth_auth.do",
  "/oauth/login",
  "/oauth/consent",
  "/oauth/token",
  "/oauth_token.do",
  "/oauth/introspect",
  "/oauth_introspect.do",
  "/oauth/revoke",
  "/oauth_revoke_token.do",
  "/api/now/oauth/jwks",
  "/oauth/jwks",
  "/.well-known/oauth-authorization-server",
  "/api/now/table/incident",
  "/api/now/attachment",
  "/api/now/stats/incident",
  "/oauth/assets/style.css",
] as const;

const PARAMETER_NAMES = [
  ..."response_type client_id redirect_uri scope state code_challenge code_challenge_method nonce".split(" "),
  ..."grant_type code code_verifier refresh_token client_secret token token_type_hint".split(" "),
  ..."username password csrf_token return_to decision request_id sysparm_limit sysparm_query".split(" "),
  ..."toString constructor __proto__ hasOwnProperty valueOf prototype".split(" "),
  "",
  "client_id[]",
  "a[b]",
];

const MALFORMED = [
  "",
  " ",
  "%",
  "%zz",
  "%00",
  "%E0%A4%A",
  "\u0000",
  "../..",
  "null",
  "[]",
  "{}",
  "a".repeat(3000),
];
const OTHER_VALUES = [
  "code",
  "token",
  "S256",
  "plain",
  "authorization_code",
  "refresh_token",
  "approve",
  "deny",
];

/** Text that can go in a header (latin-1 without controls). */
const headerText = fc.string({
  unit: fc
    .integer({ min: 0x20, max: 0xff })
    .filter((c) => c !== 0x7f)
    .map((c) => String.fromCharCode(c)),
  maxLength: 60,
});

/** Percent-encodes only what cannot stand in a request line (controls, space, non-ASCII). */
function looselyEncoded(text: string): string {
  return [...text]
    .map((c) => {
      if (/^[\x21-\x7e]$/.test(c)) return c;
      return c.length === 1 && c >= "\ud800" && c <= "\udfff" ? "%EF%BF%BD" : encodeURIComponent(c);
    })
    .join("");
}

/** Real values of the app under test, so that requests get past the first checks. */
export interface Pool {
  clientId: string;
  clientSecret: string;
  publicClientId: string;
  redirectUri: string;
  scope: string;
  username: string;
  password: string;
  code: string;
  codeVerifier: string;
  codeChallenge: string;
  accessToken: string;
  refreshToken: string;
  session: string;
  csrf: string;
  adminToken: string;
  /** An authorization request URL on this server, as return_to names it. */
  returnTo: string;
}

type Pairs = [string, string][];
interface Shape {
  method: string;
  path: string;
  query: Pairs;
  form?: Pairs;
  json?: unknown;
  basic?: [string, string];
  bearer?: string;
}

/** A well-formed request of each endpoint, which the mutations below then bend. */
function shapes(p: Pool): Shape[] {
  const authorize: Pairs = [
    ["response_type", "code"],
    ["client_id", p.clientId],
    ["redirect_uri", p.redirectUri],
    ["scope", p.scope],
    ["state", "xyz"],
    ["code_challenge", p.codeChallenge],
    ["code_challenge_method", "S256"],
  ];
  const client = [p.clientId, p.clientSecret] as [string, string];
  return [
    { method: "GET", path: "/oauth/authorize", query: authorize },
    { method: "GET", path: "/oauth_auth.do", query: authorize },
    { method: "GET", path: "/oauth/login", query: [["return_to", p.returnTo]] },
    {
      method: "POST",
      path: "/oauth/login",
      query: [],
      form: [
        ["username", p.username],
        ["password", p.password],
        ["csrf_token", p.csrf],
        ["return_to", p.returnTo],
      ],
    },
    {
      method: "POST",
      path: "/oauth/consent",
      query: [],
      form: [...authorize, ["csrf_token", p.csrf], ["decision", "approve"]],
    },
    {
      method: "POST",
      path: "/oauth/token",
      query: [],
      form: [
        ["grant_type", "authorization_code"],
        ["code", p.code],
        ["redirect_uri", p.redirectUri],
        ["code_verifier", p.codeVerifier],
      ],
      basic: client,
    },
    {
      method: "POST",
      path: "/oauth_token.do",
      query: [],
      form: [
        ["grant_type", "refresh_token"],
        ["refresh_token", p.refreshToken],
        ["client_id", p.clientId],
        ["client_secret", p.clientSecret],
      ],
    },
    {
      method: "POST",
      path: "/oauth/introspect",
      query: [],
      form: [
        ["token", p.accessToken],
        ["token_type_hint", "access_token"],
      ],
      basic: client,
    },
    {
      method: "POST",
      path: "/oauth/revoke",
      query: [],
      form: [
        ["token", p.refreshToken],
        ["token_type_hint", "refresh_token"],
      ],
      basic: client,
    },
    {
      method: "GET",
      path: "/api/now/table/incident",
      query: [["sysparm_limit", "5"]],
      bearer: p.accessToken,
    },
    {
      method: "POST",
      path: "/api/now/table/incident",
      query: [],
      json: { short_description: "x" },
      bearer: p.accessToken,
    },
    { method: "GET", path: "/api/now/attachment", query: [], bearer: p.accessToken },
    {
      method: "GET",
      path: "/api/now/stats/incident",
      query: [["sysparm_count", "true"]],
      bearer: p.accessToken,
    },
    { method: "GET", path: "/api/now/oauth/jwks", query: [] },
    { method: "GET", path: "/.well-known/oauth-authorization-server", query: [] },
  ];
}

const basicOf = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;

/** A well-formed request, bent: parameter values replaced or dropped, parameters added, cookies spoilt. */
function shapedRequest(
  p: Pool,
  value: fc.Arbitrary<string>,
  extra: fc.Arbitrary<Pairs>,
  cookieValue: fc.Arbitrary<string>,
  contentType: fc.Arbitrary<string | undefined>,
): fc.Arbitrary<InjectOptions> {
  const bend = (pairs: Pairs) =>
    fc
      .tuple(
        fc.tuple(
          ...pairs.map(([k, v]) =>
            fc.oneof(
              { weight: 5, arbitrary: fc.constant<[string, string] | null>([k, v]) },
              fc.constant(null),
              value.map((x): [string, string] => [k, x]),
            ),
          ),
        ),
        extra,
      )
      .map(([kept, added]) => [...kept.filter((pair): pair is [string, string] => pair !== null), ...added]);
  return fc.constantFrom(...shapes(p)).chain((shape) =>
    fc
      .record({
        query: bend(shape.query),
        form: bend(shape.form ?? []),
        session: fc.oneof(
          { weight: 3, arbitrary: fc.constant(p.session) },
          cookieValue,
          fc.constant(undefined),
        ),
        csrf: fc.oneof({ weight: 3, arbitrary: fc.constant(p.csrf) }, cookieValue, fc.constant(undefined)),
        contentType: fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, contentType),
        method: fc.oneof(
          { weight: 6, arbitrary: fc.constant(shape.method) },
          fc.constantFrom("GET", "POST", "PUT", "DELETE"),
        ),
        auth: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, fc.constant(false)),
        spoilAuth: fc.tuple(value, value),
      })
      .map(({ query, form, session, csrf, contentType, method, auth, spoilAuth }) => {
        const headers: Record<string, string> = {};
        const cookies = [
          ...(session === undefined ? [] : [`ioa_session=${session}`]),
          ...(csrf === undefined ? [] : [`ioa_csrf=${csrf}`]),
        ];
        if (cookies.length > 0) headers.cookie = cookies.join("; ");
        if (shape.basic) headers.authorization = auth ? basicOf(...shape.basic) : basicOf(...spoilAuth);
        if (shape.bearer) headers.authorization = `Bearer ${auth ? shape.bearer : spoilAuth[0]}`;
        let payload: string | undefined;
        if (shape.form) {
          payload = new URLSearchParams(form).toString();
          headers["content-type"] = "application/x-www-form-urlencoded";
        } else if (shape.json !== undefined) {
          payload = JSON.stringify(shape.json);
          headers["content-type"] = "application/json";
        }
        if (contentType !== undefined) headers["content-type"] = contentType;
        const search = new URLSearchParams(query).toString();
        return {
          method: method as InjectOptions["method"],
          url: search ? `${shape.path}?${search}` : shape.path,
          headers,
          ...(payload !== undefined && method !== "GET" ? { payload } : {}),
        };
      }),
  );
}

export function requestArbitrary(p: Pool): fc.Arbitrary<InjectOptions> {
  const pool = Object.values(p);
  const value = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...pool) },
    { weight: 2, arbitrary: fc.constantFrom(...MALFORMED, ...OTHER_VALUES) },
    { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
  );
  const name = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...PARAMETER_NAMES) },
    fc.string({ maxLength: 10 }),
  );
  const pairs = fc.array(fc.tuple(name, value), { maxLength: 8 });
  const encoded = pairs.map((list) => new URLSearchParams(list).toString());
  // Unencoded: whatever `&`, `=`, `%` and `#` the values hold reach the parser as they are.
  const raw = pairs.map((list) => list.map(([k, v]) => `${k}=${v}`).join("&"));
  const query = fc.oneof(encoded, raw.map(looselyEncoded), fc.constant(""));

  const path = fc
    .tuple(
      fc.constantFrom(...OAUTH_PATHS),
      fc.constantFrom("", "", "", "/", "//", "/x", "%", "%zz", "/..%2f", ";a=b", ".json", "/%00"),
    )
    .map(([base, suffix]) => base + suffix);

  const body = fc.oneof(
    fc.constant(undefined),
    encoded,
    raw,
    fc.jsonValue().map((json) => JSON.stringify(json)),
    pairs.map((list) => JSON.stringify(Object.fromEntries(list))),
    fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
    fc.string({ maxLength: 200 }),
  );
  const contentType = fc.oneof(
    fc.constantFrom(
      undefined,
      "application/x-www-form-urlencoded",
      "application/x-www-form-urlencoded; charset=utf-8",
      "application/x-www-form-urlencoded; charset=utf-16",
      "application/json",
      "application/json; charset=latin1",
      "application/problem+json",
      "text/plain",
      "multipart/form-data; boundary=x",
      "application/octet-stream",
      "",
      ";;",
    ),
    headerText,
  );

  const authorization = fc.oneof(
    fc.constant(undefined),
    fc.tuple(value, value).map(([id, secret]) => basicOf(id, secret)),
    value.map((text) => `Basic ${Buffer.from(text).toString("base64")}`),
    value.map((text) => `Bearer ${text}`),
    headerText,
  );
  const cookieValue = fc.oneof(value, fc.constantFrom("%", "%zz", '"', "%E0%A4%A", "a=b"));
  const cookie = fc.oneof(
    fc.constant(undefined),
    fc.tuple(cookieValue, cookieValue).map(([session, csrf]) => `ioa_session=${session}; ioa_csrf=${csrf}`),
    cookieValue.map((csrf) => `ioa_csrf=${csrf}`),
    cookieValue.map((session) => `ioa_session=${session}`),
    headerText,
  );
  const extraHeaders = fc.dictionary(
    fc.constantFrom(
      "accept",
      "origin",
      "referer",
      "x-forwarded-for",
      "x-forwarded-proto",
      "host",
      "if-match",
      "x-a",
    ),
    headerText,
    { maxKeys: 3 },
  );

  const wild = fc
    .record({
      method: fc.constantFrom("GET", "GET", "POST", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"),
      path,
      query,
      body,
      contentType,
      authorization,
      cookie,
      extraHeaders,
    })
    .map(({ method, path, query, body, contentType, authorization, cookie, extraHeaders }) => {
      const headers: Record<string, string> = { ...extraHeaders };
      if (contentType !== undefined) headers["content-type"] = contentType;
      if (authorization !== undefined) headers.authorization = authorization;
      if (cookie !== undefined) headers.cookie = cookie;
      const sendsBody = body !== undefined && method !== "GET" && method !== "HEAD";
      return {
        method: method as InjectOptions["method"],
        url: query ? `${path}?${query}` : path,
        headers,
        ...(sendsBody ? { payload: body } : {}),
      };
    });
  return fc.oneof(wild, shapedRequest(p, value, pairs, cookieValue, contentType));
}
