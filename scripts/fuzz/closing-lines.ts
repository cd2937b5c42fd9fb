// CI reads the closing lines of known test runners to count what ran. Schemathesis ends with a
// pytest-style banner ("==== 1 warning in 89.01s ====") that names no test, so a reader that takes
// it for pytest's summary concludes that no test ran. The fuzz tier prints schemathesis's output
// with such banners disarmed (the "=" rules dropped, a tag in front); its own verdict is the line
// "fuzz: N passed, N failed".

/** A pytest-style summary banner: "=== <words> in 1.23s ===". */
const BANNER = /^=+ (.*\bin [0-9.]+s(?: \([^)]*\))?) =+$/;

/** The line as the fuzz tier prints it: a summary banner disarmed, every other line unchanged. */
export function disarmBanner(line: string): string {
  const match = BANNER.exec(line.trimEnd());
  return match ? `[schemathesis] ${match[1]}` : line;
}

/** Whether a line could be read as a pytest closing summary. */
export function looksLikePytestSummary(line: string): boolean {
  return BANNER.test(line.trimEnd());
}
