import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { uuidv7 } from "../../ids";

/** Token-signing keys are ES256 (P-256) only. */
export const KEY_ALG = "ES256" as const;

/** A public JWK as the JWKS serves it (RFC 7517, RFC 7518 §6.2.1): never a private member. */
export interface PublicJwk {
  kty: "EC";
  crv: "P-256";
  x: string;
  y: string;
  kid: string;
  alg: typeof KEY_ALG;
  use: "sig";
  [member: string]: unknown;
}

/** Only the public members of an EC JWK, whatever the stored text holds. */
export function publicMembers(jwk: Record<string, unknown>, kid: string): PublicJwk {
  return { kty: "EC", crv: "P-256", x: String(jwk.x), y: String(jwk.y), kid, alg: KEY_ALG, use: "sig" };
}

/**
 * A fresh P-256 key pair as JWK text (private and public) with a UUIDv7 kid. The private text is
 * for sealing (encryption.ts) before it is stored, never for a log or a response.
 */
export function generateKey(): { kid: string; privateJwk: string; publicJwk: string } {
  const kid = uuidv7();
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = privateKey.export({ format: "jwk" });
  const privateJwk = JSON.stringify({
    kty: "EC",
    crv: "P-256",
    x: jwk.x,
    y: jwk.y,
    d: jwk.d,
    kid,
    alg: KEY_ALG,
  });
  const publicJwk = JSON.stringify(publicMembers(jwk as Record<string, unknown>, kid));
  return { kid, privateJwk, publicJwk };
}

/** The key object of an opened private JWK (the text `generateKey` made). */
export function importPrivateKey(privateJwk: string): KeyObject {
  return createPrivateKey({ key: JSON.parse(privateJwk), format: "jwk" });
}

/** The key object of a public JWK (a SigningKey's `publicJwk`). */
export function importPublicKey(jwk: Record<string, unknown>): KeyObject {
  return createPublicKey({ key: { ...jwk }, format: "jwk" });
}
