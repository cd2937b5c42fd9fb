/**
 * signEs256 (domain/oauth/jwt.ts) makes JWS that jose verifies as ES256, for any header kid and
 * payload: the header and payload round-trip exactly, the signature is the 64-byte R || S of RFC
 * 7518 §3.4, and a token whose payload was changed, or signed by another key, fails verification.
 */
import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { compactVerify, decodeProtectedHeader, jwtVerify } from "jose";
import { signEs256 } from "../../src/domain/oauth/jwt";

const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const other = generateKeyPairSync("ec", { namedCurve: "P-256" });

const claimValue = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.array(fc.string(), { maxLength: 4 }));
const payload = fc.dictionary(
  fc
    .string({ minLength: 1, maxLength: 12 })
    .filter((key) => !["__proto__", "exp", "nbf", "iat"].includes(key)),
  claimValue,
  { maxKeys: 8 },
);
const kid = fc.string({ minLength: 1, maxLength: 40 });

test("any payload and kid: jose verifies it as ES256 and reads back the same header and payload", async () => {
  await fc.assert(
    fc.asyncProperty(payload, kid, async (claims, keyId) => {
      const token = signEs256({ kid: keyId, typ: "at+jwt" }, claims, privateKey);
      const verified = await jwtVerify(token, publicKey, { algorithms: ["ES256"], typ: "at+jwt" });
      expect(verified.payload).toEqual(claims);
      expect(verified.protectedHeader).toEqual({ alg: "ES256", kid: keyId, typ: "at+jwt" });
      expect(Buffer.from(token.split(".")[2] as string, "base64url")).toHaveLength(64);
      expect(decodeProtectedHeader(token).alg).toBe("ES256");
    }),
    { numRuns: 200 },
  );
});

test("a changed payload or another key's signature fails verification", async () => {
  await fc.assert(
    fc.asyncProperty(payload, async (claims) => {
      const token = signEs256({ kid: "k", typ: "at+jwt" }, claims, privateKey);
      const [header, , signature] = token.split(".");
      const changed = Buffer.from(JSON.stringify({ ...claims, extra: "claim" })).toString("base64url");
      await expect(compactVerify(`${header}.${changed}.${signature}`, publicKey)).rejects.toThrow();
      const foreign = signEs256({ kid: "k", typ: "at+jwt" }, claims, other.privateKey);
      await expect(compactVerify(foreign, publicKey)).rejects.toThrow();
    }),
    { numRuns: 50 },
  );
});
