/**
 * The CI jobs are copied into users' repositories (the two job files, lib/ and package.json) and run
 * as `node <job>.ts` on Node 24, so every file of examples/ci outside test/ imports only Node
 * built-ins and relative files inside examples/ci, by their `.ts` name (Node resolves no other):
 * no repository code, no npm package. And each is TypeScript that Node's type stripping runs (no
 * enum, namespace or parameter property).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { stripTypeScriptTypes } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";

const CI = resolve(__dirname, "..");
const JOBS = readdirSync(CI).filter((file) => file.endsWith(".ts"));
/** Every TypeScript file users copy: the jobs and what they import (relative to examples/ci). */
const FILES = readdirSync(CI, { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".ts") && file.split(sep)[0] !== "test")
  .sort();

/** The module specifiers of a file's static imports and re-exports. */
function specifiersOf(text: string): string[] {
  const fromClauses = text.matchAll(/^\s*(?:import|export)\b[^"'`;]*?\bfrom\s+["']([^"']+)["']/gm);
  const bare = text.matchAll(/^\s*import\s+["']([^"']+)["']/gm);
  return [...fromClauses, ...bare].map((match) => match[1] ?? "");
}

/** Where a specifier breaks the rule, or undefined when it keeps it. */
function violation(file: string, specifier: string): string | undefined {
  if (specifier.startsWith("node:")) return undefined;
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return "neither node: nor relative";
  if (!specifier.endsWith(".ts")) return "relative without its .ts extension";
  const target = resolve(CI, dirname(file), specifier);
  const inside = relative(CI, target);
  if (inside.startsWith("..") || inside.split(sep)[0] === "test") return "outside the copied files";
  return existsSync(target) ? undefined : "no such file";
}

it("has the two jobs", () => {
  expect(JOBS.sort()).toEqual(["drift-check.ts", "preview-comment.ts"]);
});

it.each(JOBS)("%s imports something (the rule below reads its imports)", (job) => {
  expect(specifiersOf(readFileSync(join(CI, job), "utf8")).length).toBeGreaterThan(0);
});

it.each(FILES)("%s imports only Node built-ins and files of examples/ci, by their .ts name", (file) => {
  const text = readFileSync(join(CI, file), "utf8");
  const broken = specifiersOf(text).flatMap((specifier) => {
    const reason = violation(file, specifier);
    return reason ? [`${specifier}: ${reason}`] : [];
  });
  expect(broken).toEqual([]);
  expect(text).not.toMatch(/\brequire\(|\bimport\(/);
});

it.each(FILES)("%s is erasable TypeScript that Node runs by stripping the types", (file) => {
  const text = readFileSync(join(CI, file), "utf8");
  expect(() => stripTypeScriptTypes(text, { mode: "strip" })).not.toThrow();
});
