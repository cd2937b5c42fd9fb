import fc from "fast-check";
import { parseLimits } from "../../src/cli/serve-limits";
import { DEFAULT_HTTP_LIMITS } from "../../src/http/limits";
import { connectionBudget, limitFor, openFilesLimit, reservedFiles } from "../../src/open-files";

const procLimits = (soft: string, hard: string) =>
  [
    "Limit                     Soft Limit           Hard Limit           Units     ",
    "Max cpu time              unlimited            unlimited            seconds   ",
    `Max open files            ${soft.padEnd(20)} ${hard.padEnd(20)} files     `,
    "Max processes             63658                63658                processes ",
  ].join("\n");

describe("the open-files limit", () => {
  test("is the soft limit read from /proc/self/limits", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (soft, hard) => {
          expect(openFilesLimit(procLimits(String(soft), String(hard)))).toBe(soft);
        },
      ),
    );
    expect(openFilesLimit(procLimits("unlimited", "unlimited"))).toBeUndefined();
    expect(openFilesLimit("no such line")).toBeUndefined();
  });

  test("of this process is known on Linux", () => {
    if (process.platform === "linux") expect(openFilesLimit()).toBeGreaterThan(0);
  });
});

describe("the connection cap fits in the open-files limit", () => {
  test("it never exceeds what was asked, nor the limit less the files kept for the server", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        (limit, asked) => {
          const { maxConnections, warning } = connectionBudget(limit, asked);
          expect(maxConnections).toBeGreaterThanOrEqual(1);
          expect(maxConnections).toBeLessThanOrEqual(asked);
          if (limit > reservedFiles(limit)) {
            expect(maxConnections).toBeLessThanOrEqual(limit - reservedFiles(limit));
          }
          // Lowered exactly when the limit is too small, and then the operator is told how to raise it.
          expect(warning !== undefined).toBe(maxConnections < asked);
          if (warning) expect(warning).toContain(`ulimit -n`);
        },
      ),
    );
  });

  test("the limit it tells the operator to set leaves room for what was asked", () => {
    // From 2: one connection is always allowed, however low the limit.
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 1_000_000 }), (asked) => {
        const limit = limitFor(asked);
        expect(connectionBudget(limit, asked)).toEqual({ maxConnections: asked });
        expect(connectionBudget(limit - 1, asked).maxConnections).toBeLessThan(asked);
      }),
    );
  });

  test("an unknown limit (not Linux) leaves the cap as asked", () => {
    expect(connectionBudget(undefined, 10_000)).toEqual({ maxConnections: 10_000 });
  });
});

describe("serve's limit flags", () => {
  test("default to DEFAULT_HTTP_LIMITS", () => {
    expect(parseLimits({})).toEqual(DEFAULT_HTTP_LIMITS);
  });

  test("take timeouts in seconds and counts as whole numbers", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3_600_000 }),
        fc.integer({ min: 0, max: 3_600_000 }),
        fc.nat(100_000),
        fc.integer({ min: 1, max: 100_000 }),
        (headersMs, extraMs, count, connections) => {
          const limits = parseLimits({
            "headers-timeout": String(headersMs / 1000),
            "request-timeout": String((headersMs + extraMs) / 1000),
            "keep-alive-timeout": String(headersMs / 1000),
            "idle-timeout": String((headersMs + extraMs) / 1000),
            "max-requests-per-socket": String(count),
            "max-connections": String(connections),
            "max-connections-per-address": String(count),
          });
          expect(limits).toEqual({
            headersTimeoutMs: headersMs,
            requestTimeoutMs: headersMs + extraMs,
            keepAliveTimeoutMs: headersMs,
            idleTimeoutMs: headersMs + extraMs,
            maxRequestsPerSocket: count,
            maxConnections: connections,
            maxConnectionsPerAddress: count,
          });
        },
      ),
    );
  });

  test("refuse anything else with a message naming the flag", () => {
    const bad = fc.oneof(
      fc.constantFrom("", " ", "0", "-1", "abc", "1e9", "Infinity", "NaN", "0x10"),
      fc.string().filter((s) => !/^\d+(\.\d+)?$/.test(s.trim()) || Number(s) === 0),
    );
    fc.assert(
      fc.property(
        bad,
        fc.constantFrom(
          "headers-timeout",
          "request-timeout",
          "keep-alive-timeout",
          "idle-timeout",
          "max-connections",
        ),
        (value, flag) => {
          expect(() => parseLimits({ [flag]: value })).toThrow(`--${flag}`);
        },
      ),
    );
    expect(() => parseLimits({ "max-connections-per-address": "1.5" })).toThrow(
      "--max-connections-per-address",
    );
    expect(() => parseLimits({ "headers-timeout": "20", "request-timeout": "10" })).toThrow(
      "must not exceed --request-timeout",
    );
  });
});
