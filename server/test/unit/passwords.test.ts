import { availableParallelism } from "node:os";
import {
  DUMMY_PASSWORD_HASH,
  hashPassword,
  PASSWORD_HASHING,
  verifyPassword,
} from "../../src/domain/passwords";

describe("password hashing (scrypt)", () => {
  const password = "correct horse battery staple";
  let stored: string;
  beforeAll(async () => {
    stored = await hashPassword(password);
  });

  test("a burst of checks runs scrypt at most once per core at a time (32 MiB each), and every check answers", async () => {
    const cores = availableParallelism();
    const checks = Array.from({ length: cores * 3 }, (_, i) =>
      verifyPassword(i % 2 ? password : "wrong", stored),
    );
    let peak = 0;
    let done = false;
    const all = Promise.all(checks).finally(() => {
      done = true;
    });
    while (!done) {
      peak = Math.max(peak, PASSWORD_HASHING.active);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await all).toEqual(checks.map((_, i) => i % 2 === 1));
    expect(PASSWORD_HASHING.limit).toBe(cores);
    expect(peak).toBe(cores);
  });

  test("a hash verifies the password it was made from", async () => {
    expect(await verifyPassword(password, stored)).toBe(true);
  });

  test("a wrong password does not verify", async () => {
    expect(await verifyPassword("correct horse battery stapler", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  test("the stored form is scrypt$N$r$p$salt$hash with N=32768 r=8 p=1, a 16-byte salt and a 32-byte hash", () => {
    const parts = stored.split("$");
    expect(parts).toHaveLength(6);
    expect(parts.slice(0, 4)).toEqual(["scrypt", "32768", "8", "1"]);
    expect(Buffer.from(parts[4]!, "base64url")).toHaveLength(16);
    expect(Buffer.from(parts[5]!, "base64url")).toHaveLength(32);
    expect(stored).not.toContain(password);
  });

  test("each hash has its own salt", async () => {
    const again = await hashPassword(password);
    expect(again).not.toBe(stored);
    expect(again.split("$")[4]).not.toBe(stored.split("$")[4]);
    expect(await verifyPassword(password, again)).toBe(true);
  });

  test.each([
    ["empty", ""],
    ["another scheme", "sha256$abc$def"],
    ["too few parts", "scrypt$32768$8$1$c2FsdA"],
    [
      "N not a power of two",
      "scrypt$30000$8$1$Gw-eSJgRd_5wuvSBI_OrnA$O4wAskSzTcOTK8t4NHCfzNZkbc88CR9NPRQBeNLhuyk",
    ],
    ["absurd N", "scrypt$1073741824$8$1$Gw-eSJgRd_5wuvSBI_OrnA$O4wAskSzTcOTK8t4NHCfzNZkbc88CR9NPRQBeNLhuyk"],
    ["non-numeric r", "scrypt$32768$x$1$Gw-eSJgRd_5wuvSBI_OrnA$O4wAskSzTcOTK8t4NHCfzNZkbc88CR9NPRQBeNLhuyk"],
    [
      "salt not base64url",
      "scrypt$32768$8$1$Gw+eSJgRd/5wuvSBI=OrnA$O4wAskSzTcOTK8t4NHCfzNZkbc88CR9NPRQBeNLhuyk",
    ],
    ["hash missing", "scrypt$32768$8$1$Gw-eSJgRd_5wuvSBI_OrnA$"],
  ])("a malformed stored value (%s) verifies nothing and does not throw", async (_label, value) => {
    await expect(verifyPassword(password, value)).resolves.toBe(false);
  });

  test("a truncated real hash does not verify", async () => {
    await expect(verifyPassword(password, stored.slice(0, -4))).resolves.toBe(false);
  });

  test("the dummy hash is well-formed, uses the current parameters and matches no likely password", async () => {
    expect(DUMMY_PASSWORD_HASH.split("$").slice(0, 4)).toEqual(["scrypt", "32768", "8", "1"]);
    expect(await verifyPassword("demo-password", DUMMY_PASSWORD_HASH)).toBe(false);
    expect(await verifyPassword("", DUMMY_PASSWORD_HASH)).toBe(false);
  });
});
