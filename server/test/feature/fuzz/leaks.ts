// What an answer of the server must never be, whatever the request: a 5xx, or a body that shows a
// stack trace, a file path or an engine's error message (or Fastify's own error codes).
import type { LightMyRequestResponse } from "fastify";

const LEAKS: [string, RegExp][] = [
  ["a stack frame", /\n\s*at \S|\bat (?:async )?[\w$.<>]+ \(/],
  ["a file path", /(?:\/(?:work|home|root|tmp|usr|opt)\/|node_modules|[\w-]+\.(?:ts|js|mjs):\d+)/],
  ["a JavaScript error name", /\b(?:TypeError|ReferenceError|RangeError|SyntaxError|URIError|EvalError)\b/],
  [
    "an engine's message",
    /Cannot read propert|is not a function|is not defined|is not iterable|Unexpected token|in JSON at position|Maximum call stack/,
  ],
  ["a Fastify error code", /\bFST_[A-Z_]+/],
];

/** Why this answer is wrong, or [] when it is fine. */
export function problemsOf(res: LightMyRequestResponse): string[] {
  const problems = res.statusCode >= 500 ? [`status ${res.statusCode}`] : [];
  for (const [what, pattern] of LEAKS) {
    const match = pattern.exec(res.body);
    if (match)
      problems.push(
        `the body shows ${what}: …${res.body.slice(Math.max(0, match.index - 40), match.index + 60)}…`,
      );
  }
  return problems;
}
