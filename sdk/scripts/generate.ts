// Writes the SDK's resource classes and their Args types (sdk/src/generated/) and the package's index
// (sdk/src/index.ts) from schema.json, as pulumi-command's gen-sdk target does from its schema.
// `make generate` runs it (compiled, from dist/sdk/scripts) and formats the output with biome
// (check --write); `make check-generated` fails when the committed files differ.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findRepoRoot } from "../../provider/scripts/generate-schema";
import type { PulumiPackageSchema } from "../../provider/src/schema/build";
import { contractEnums } from "./enums";
import { className, moduleName, renderIndex, renderResource } from "./render";

/** Every generated resource module by file name (in sdk/src/generated/), from the package schema. */
export function renderResources(schema: PulumiPackageSchema): Map<string, string> {
  const enums = contractEnums();
  const files = new Map<string, string>();
  for (const [token, resource] of Object.entries(schema.resources)) {
    files.set(`${moduleName(className(token))}.ts`, renderResource(token, resource, enums[token] ?? {}));
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
