// Writes the SDK's resource classes and their Args types (sdk/src/generated/) and the package's index
// (sdk/src/index.ts) from schema.json, as pulumi-command's gen-sdk target does from its schema.
// `make generate` runs it (compiled, from dist/sdk/scripts) and formats the output with biome
// (check --write); `make check-generated` fails when the committed files differ.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findRepoRoot } from "../../provider/scripts/generate-schema";
import type { PulumiPackageSchema } from "../../provider/src/schema/build";
import { contractEnums } from "./enums";
import { className, moduleName, renderIndex, renderResource, renderShared } from "./render";
import { sharedProperties } from "./shared";

/** Every generated module by file name (in sdk/src/generated/), from the package schema. */
export function renderResources(schema: PulumiPackageSchema): Map<string, string> {
  const enums = contractEnums();
  const resources = Object.entries(schema.resources).map(
    ([token, resource]) => [token, resource, enums[token] ?? {}] as const,
  );
  const shared = sharedProperties(resources.map(([, resource, values]) => [resource, values] as const));
  const files = new Map<string, string>();
  const [first] = resources;
  if (first && (shared.inputs.length || shared.outputs.length))
    files.set("shared.ts", renderShared(first[1], first[2], shared));
  for (const [token, resource, values] of resources) {
    files.set(`${moduleName(className(token))}.ts`, renderResource(token, resource, values, shared));
  }
  return files;
}

export function generatedDir(root: string = findRepoRoot()): string {
  return join(root, "sdk", "src", "generated");
}

if (require.main === module) {
  const root = findRepoRoot();
  const schema = JSON.parse(readFileSync(join(root, "schema.json"), "utf8")) as PulumiPackageSchema;
  const dir = generatedDir(root);
  mkdirSync(dir, { recursive: true });
  const files = renderResources(schema);
  // A resource gone from the schema takes its module with it.
  for (const file of readdirSync(dir)) if (!files.has(file)) rmSync(join(dir, file));
  for (const [file, text] of files) writeFileSync(join(dir, file), text);
  writeFileSync(join(root, "sdk", "src", "index.ts"), renderIndex(Object.keys(schema.resources)));
  process.stdout.write(`wrote ${files.size} resource modules in ${dir} and sdk/src/index.ts\n`);
}
