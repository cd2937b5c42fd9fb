import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** The layering the folder READMEs describe, checked on every import of every source file. */
const SRC = join(__dirname, "..", "..", "src");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/^\s*(?:import|export)[^"'`]*?from\s+["']([^"']+)["']/gm)].map((m) => m[1]!);
}

/**
 * For each folder under server/src: the folders and packages it may import. A file follows the
 * row of the deepest folder listed that holds it (domain/oauth/grants/ before domain/); a folder
 * named in `folders` stands for everything under it.
 */
const ALLOWED: Record<string, { folders: string[]; packages: RegExp }> = {
  contract: { folders: ["contract"], packages: /^zod$/ },
  openapi: { folders: ["openapi", "contract"], packages: /^zod$/ },
  storage: { folders: ["storage"], packages: /^(node:.*|pg)$/ },
  "storage/records": { folders: ["storage"], packages: /^node:.*$/ },
  domain: { folders: ["domain", "contract", "storage"], packages: /^(node:.*|jose)$/ },
  "domain/oauth/grants": { folders: ["domain", "contract", "storage"], packages: /^node:.*$/ },
  "domain/oauth/keys": { folders: ["domain", "contract", "storage"], packages: /^node:.*$/ },
  http: { folders: ["http", "domain", "contract", "storage"], packages: /^(node:.*|fastify|zod)$/ },
  "http/oauth": { folders: ["http", "domain", "contract", "storage"], packages: /^(node:.*|fastify)$/ },
  routes: {
    folders: ["routes", "http", "domain", "contract", "storage"],
    packages: /^(node:.*|fastify|zod)$/,
  },
};

const within = (path: string, folder: string) => path === folder || path.startsWith(`${folder}/`);

/** The row a file follows: the deepest listed folder that holds it. */
const rowOf = (file: string) =>
  Object.keys(ALLOWED)
    .filter((folder) => within(relative(SRC, file), folder))
    .sort((a, b) => b.length - a.length)[0];

test.each(Object.keys(ALLOWED))("server/src/%s imports only what its README allows", (folder) => {
  const files = sources(join(SRC, folder)).filter((file) => rowOf(file) === folder);
  expect(files.length).toBeGreaterThan(0);
  const violations: string[] = [];
  for (const file of files) {
    for (const spec of importsOf(file)) {
      const rule = ALLOWED[folder]!;
      if (spec.startsWith(".")) {
        const target = relative(SRC, join(file, "..", spec));
        if (!rule.folders.some((allowed) => within(target, allowed)))
          violations.push(`${relative(SRC, file)} → ${spec}`);
      } else if (!rule.packages.test(spec)) {
        violations.push(`${relative(SRC, file)} → ${spec}`);
      }
    }
  }
  expect(violations).toEqual([]);
});

test("provider/src imports only the shared contract from the server, and client-side packages", () => {
  const providerSrc = join(__dirname, "..", "..", "..", "provider", "src");
  const contract = join(SRC, "contract");
  const violations: string[] = [];
  for (const file of sources(providerSrc)) {
    for (const spec of importsOf(file)) {
      if (spec.startsWith(".")) {
        const target = join(file, "..", spec);
        const inProvider = !relative(providerSrc, target).startsWith("..");
        const inContract = !relative(contract, target).startsWith("..");
        if (!inProvider && !inContract) violations.push(`${relative(providerSrc, file)} → ${spec}`);
      } else if (!/^(node:.*|zod|undici|@pulumi\/pulumi(\/.*)?)$/.test(spec)) {
        violations.push(`${relative(providerSrc, file)} → ${spec}`);
      }
    }
  }
  expect(violations).toEqual([]);
});

/** Every cycle of imports (type-only imports included) among server/src files, as paths. */
function importCycles(): string[][] {
  const graph = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    const targets = importsOf(file)
      .filter((spec) => spec.startsWith("."))
      .map((spec) => {
        const base = join(file, "..", spec);
        return [`${base}.ts`, join(base, "index.ts")].find((path) => graph.has(path) || sourceSet.has(path));
      })
      .filter((path): path is string => path !== undefined);
    graph.set(file, targets);
  }
  const cycles: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open")
        cycles.push(stack.slice(stack.indexOf(next)).map((f) => relative(SRC, f)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}
const sourceSet = new Set(sources(SRC));

test("server/src has no import cycle (a file never imports, even for types, what imports it)", () => {
  expect(sourceSet.size).toBeGreaterThan(50);
  expect(importCycles()).toEqual([]);
});
