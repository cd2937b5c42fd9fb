import fc from "fast-check";
import { disarmBanner, looksLikePytestSummary } from "../../../scripts/fuzz/closing-lines";
import { closingLine, jestCounts } from "../../../scripts/test-counts";

// CI counts what ran from the closing lines of the runners it knows (pytest among them) and from a
// plain "N passed, N failed" line. make test must end on such a plain line, and schemathesis's
// pytest-style banner ("=== 1 warning in 89.01s ===") must not pass for a pytest summary of no test.
const PLAIN_CLOSING = /^(?:\w+: )?\d+ passed, \d+ failed(?:, \d+ skipped)?$/;

describe("the fuzz tier's schemathesis output", () => {
  it("disarms the banners schemathesis printed in CI", () => {
    for (const banner of [
      "============================= 1 warning in 89.01s ==============================",
      "===== 30 passed, 2 warnings in 12.5s =====",
      "== no tests ran in 0.01s ==",
    ]) {
      expect(looksLikePytestSummary(banner)).toBe(true);
      expect(looksLikePytestSummary(disarmBanner(banner))).toBe(false);
      expect(disarmBanner(banner)).toMatch(/^\[schemathesis\] .* in [0-9.]+s$/);
    }
  });

  it("leaves no line that reads as a pytest summary, and other lines as they were", () => {
    const banner = fc
      .tuple(
        fc.integer({ min: 1, max: 40 }),
        fc.string({ minLength: 1 }),
        fc.double({ min: 0, max: 1e4, noNaN: true }),
      )
      .map(
        ([width, words, seconds]) =>
          `${"=".repeat(width)} ${words} in ${seconds.toFixed(2)}s ${"=".repeat(width)}`,
      );
    fc.assert(
      fc.property(fc.oneof(fc.string(), banner), (line) => {
        const out = disarmBanner(line);
        expect(looksLikePytestSummary(out)).toBe(false);
        if (!looksLikePytestSummary(line)) expect(out).toBe(line);
      }),
    );
  });
});

describe("make test's closing line", () => {
  it("adds up the tiers as a plain closing line", () => {
    const jest = jestCounts({
      numPassedTests: 1209,
      numFailedTests: 0,
      numPendingTests: 16,
      numTodoTests: 0,
    });
    expect(closingLine([jest, { passed: 30, failed: 0 }])).toBe("tests: 1239 passed, 0 failed, 16 skipped");
  });

  it("is a plain closing line for any counts, and counts a suite that could not run as failed", () => {
    const count = fc.nat({ max: 1e6 });
    fc.assert(
      fc.property(count, count, count, count, count, (passed, failed, pending, broken, fuzz) => {
        const jest = jestCounts({
          numPassedTests: passed,
          numFailedTests: failed,
          numPendingTests: pending,
          numRuntimeErrorTestSuites: broken,
        });
        const line = closingLine([jest, { passed: fuzz, failed: 0 }]);
        expect(line).toMatch(PLAIN_CLOSING);
        expect(line).toBe(`tests: ${passed + fuzz} passed, ${failed + broken} failed, ${pending} skipped`);
      }),
    );
  });
});
