/**
 * The CI jobs are copied into users' repositories and run as `node <job>.ts` on Node 24, so each
 * is one self-contained file: it imports Node built-ins only (no repository code, no npm package,
 * no sibling file) and uses only TypeScript that Node's type stripping runs (no enum, namespace or
 * parameter property).
 */
import { readdirSync, readFileSync } from "node:fs";
import { stripTypeScriptTypes } from "node:module";
import { join } from "node:path";

const CI = join(__dirname, "..");
const JOBS = readdirSync(CI).filter((file) => file.endsWith(".ts"));

it("has the two jobs", () => {
  expect(JOBS.sort()).toEqual(["drift-check.ts", "preview-comment.ts"]);
});

it.each(JOBS)("%s imports Node built-ins only", (job) => {
  const text = readFileSync(join(CI, job), "utf8");
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^"'`]*?from\s+["']([^"']+)["']/gm)].map(
    (match) => match[1],
  );
  expect(specifiers.length).toBeGreaterThan(0);
  expect(specifiers.filter((specifier) => !specifier?.startsWith("node:"))).toEqual([]);
  expect(text).not.toMatch(/\brequire\(|\bimport\(/);
});

it.each(JOBS)("%s is erasable TypeScript that Node runs by stripping the types", (job) => {
  const text = readFileSync(join(CI, job), "utf8");
  expect(() => stripTypeScriptTypes(text, { mode: "strip" })).not.toThrow();
});
