// Redirect URLs are compared as strings, so one URL must have one spelling: no userinfo, IP
// addresses and loopback names as WHATWG parsing would write them, no port 0 — at registration
// (RedirectUrlSchema) and at the authorization endpoint (matchRedirectUri). The loopback
// port-variation rule (RFC 8252 §7.3) still holds.
import fc from "fast-check";
import { RedirectUrlSchema } from "../../src/contract";
import { matchRedirectUri } from "../../src/domain/oauth/redirects";

const messages = (value: string) => {
  const result = RedirectUrlSchema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
};

const octet = fc.integer({ min: 0, max: 255 });
const loopbackHost = fc.oneof(
  fc.constantFrom("localhost", "127.0.0.1", "[::1]"),
  fc.tuple(octet, octet, octet).map(([b, c, d]) => `127.${b}.${c}.${d}`),
);
const port = fc.integer({ min: 1, max: 65535 });
const segment = fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/);
const path = fc.array(segment, { maxLength: 4 }).map((parts) => `/${parts.join("/")}`);
const query = fc.option(fc.stringMatching(/^[a-z]{1,6}=[a-z0-9]{0,6}$/), { nil: undefined });
const portPart = (p: number | undefined) => (p === undefined ? "" : `:${p}`);

/** A valid loopback redirect URL, as a native app registers it. */
const loopbackUrl = fc
  .record({ host: loopbackHost, port: fc.option(port, { nil: undefined }), path, query })
  .map((u) => ({
    ...u,
    text: `http://${u.host}${portPart(u.port)}${u.path}${u.query ? `?${u.query}` : ""}`,
  }));

/** A valid https or loopback http redirect URL, split into the part before the host and the rest. */
const anyRedirect = fc.oneof(
  loopbackUrl.map((u) => ({ scheme: "http", authority: `${u.host}${portPart(u.port)}`, rest: u.path })),
  fc
    .record({ host: fc.domain(), port: fc.option(port, { nil: undefined }), path })
    .map((u) => ({ scheme: "https", authority: `${u.host}${portPart(u.port)}`, rest: u.path })),
);
/** Userinfo as a URL may carry it: empty, a user name, or a user name and password. */
const userinfo = fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=%-]{0,10}(:[A-Za-z0-9._~-]{0,10})?$/);

describe("redirect URLs: no userinfo", () => {
  test("any redirect URL with userinfo is refused at registration, and matches nothing at runtime", () => {
    fc.assert(
      fc.property(anyRedirect, userinfo, ({ scheme, authority, rest }, info) => {
        const clean = `${scheme}://${authority}${rest}`;
        const withInfo = `${scheme}://${info}@${authority}${rest}`;
        expect(messages(clean)).toEqual([]);
        expect(messages(withInfo)).toContain("must not contain a user name or password");
        expect(matchRedirectUri([clean], clean)).toBe(clean);
        expect(matchRedirectUri([clean], withInfo)).toBeUndefined();
        // Even when that very string was registered (before this rule existed).
        expect(matchRedirectUri([withInfo], withInfo)).toBeUndefined();
      }),
    );
  });

  test("http://evil@127.0.0.1:9999/cb does not match a loopback registration", () => {
    expect(matchRedirectUri(["http://127.0.0.1:8400/cb"], "http://evil@127.0.0.1:9999/cb")).toBeUndefined();
    expect(matchRedirectUri(["http://127.0.0.1:8400/cb"], "http://127.0.0.1:9999/cb")).toBe(
      "http://127.0.0.1:9999/cb",
    );
  });
});

/** An IPv4 address's octets written another way that WHATWG parsing still reads as the same address. */
function spellings([a, b, c, d]: number[]): fc.Arbitrary<string> {
  const part = (n: number) =>
    fc.constantFrom(
      String(n),
      `0x${n.toString(16)}`,
      `0X${n.toString(16).toUpperCase()}`,
      `0${n.toString(8)}`,
    );
  return fc.oneof(
    fc.tuple(part(a!), part(b!), part(c!), part(d!)).map((parts) => parts.join(".")),
    fc.tuple(part(a!), part(b!), part(c! * 256 + d!)).map((parts) => parts.join(".")),
    fc.tuple(part(a!), part(b! * 65536 + c! * 256 + d!)).map((parts) => parts.join(".")),
    part(((a! * 256 + b!) * 256 + c!) * 256 + d!),
    fc.constant(`${a}.${b}.${c}.${d}.`),
  );
}

describe("redirect URLs: IP addresses in their canonical spelling", () => {
  const address = fc.tuple(fc.oneof(fc.constant(127), octet), octet, octet, octet);
  const spelled = address.chain((octets) =>
    spellings(octets).map((spelling) => ({ canonical: octets.join("."), spelling })),
  );

  test("any other spelling of an IPv4 address is refused at registration and at runtime", () => {
    fc.assert(
      fc.property(spelled, path, port, ({ canonical, spelling }, p, ephemeral) => {
        fc.pre(spelling !== canonical);
        const scheme = canonical.startsWith("127.") ? "http" : "https";
        const registered = `${scheme}://${canonical}${p}`;
        const requested = `${scheme}://${spelling}${p}`;
        // The premise: parsing reads both as the same URL, so only the text can tell them apart.
        expect(new URL(requested).href).toBe(new URL(registered).href);
        expect(messages(registered)).toEqual([]);
        expect(messages(requested)).toContain(`must write the host as ${canonical}, not ${spelling}`);
        expect(matchRedirectUri([registered], requested)).toBeUndefined();
        expect(matchRedirectUri([registered], `${scheme}://${spelling}:${ephemeral}${p}`)).toBeUndefined();
      }),
    );
  });

  test.each([
    "127.1",
    "0x7f.0.0.1",
    "2130706433",
    "0177.0.0.1",
    "[0:0::1]",
    "[::ffff:127.0.0.1]",
    "%6cocalhost",
  ])("http://%s:8400/cb is refused, and does not match http://127.0.0.1:8400/cb", (host) => {
    expect(messages(`http://${host}:8400/cb`)).toContainEqual(
      expect.stringMatching(/^must write the host as /),
    );
    expect(matchRedirectUri(["http://127.0.0.1:8400/cb"], `http://${host}:8400/cb`)).toBeUndefined();
  });
});

describe("redirect URLs: ports", () => {
  const badPort = fc.oneof(
    fc.constant("0"),
    fc.constant(""),
    fc.tuple(fc.stringMatching(/^0{1,4}$/), port).map(([zeros, p]) => `${zeros}${p}`),
  );

  test("port 0, an empty port or one with leading zeros is refused at registration and at runtime", () => {
    fc.assert(
      fc.property(loopbackUrl, badPort, (u, bad) => {
        const requested = `http://${u.host}:${bad}${u.path}`;
        expect(messages(requested)).toContain(
          "must have a port from 1 to 65535 written without leading zeros, or no port",
        );
        expect(matchRedirectUri([`http://${u.host}${u.path}`], requested)).toBeUndefined();
      }),
    );
  });

  test("a loopback redirect matches with any port from 1 to 65535 (RFC 8252 §7.3), and only with its own host, path and query", () => {
    fc.assert(
      fc.property(loopbackUrl, port, segment, (u, ephemeral, other) => {
        expect(messages(u.text)).toEqual([]);
        const search = u.query ? `?${u.query}` : "";
        const requested = `http://${u.host}:${ephemeral}${u.path}${search}`;
        expect(matchRedirectUri([u.text], requested)).toBe(requested);
        expect(
          matchRedirectUri([u.text], `https://${u.host}:${ephemeral}${u.path}${search}`),
        ).toBeUndefined();
        expect(matchRedirectUri([u.text], `http://${u.host}:${ephemeral}${u.path}/${other}${search}`)).toBe(
          undefined,
        );
        const otherHost = u.host === "localhost" ? "127.0.0.1" : "localhost";
        expect(
          matchRedirectUri([u.text], `http://${otherHost}:${ephemeral}${u.path}${search}`),
        ).toBeUndefined();
      }),
    );
  });

  test("a non-loopback redirect's port may not vary", () => {
    fc.assert(
      fc.property(fc.domain(), port, port, path, (host, registered, asked, p) => {
        fc.pre(registered !== asked);
        expect(matchRedirectUri([`https://${host}:${registered}${p}`], `https://${host}:${asked}${p}`)).toBe(
          undefined,
        );
      }),
    );
  });
});
