// Writes docs/resources.md (the resource reference) from the Pulumi package schema, built in memory
// from the resource descriptors and the zod contract as schema.json is. `make check-generated` fails
// when the committed file differs. Runs from provider/scripts (ts) and from dist/provider/scripts
// (compiled) alike.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { VERSION } from "../../server/src/version";
import { buildPulumiSchema } from "../src/schema/build";
import { renderResourceDocs } from "../src/schema/docs";
import { findRepoRoot } from "./generate-schema";

export function docsPath(): string {
  return join(findRepoRoot(), "docs", "resources.md");
}

export function renderDocs(): string {
  return renderResourceDocs(buildPulumiSchema(VERSION));
}

if (require.main === module) {
  const path = docsPath();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderDocs());
  process.stdout.write(`wrote ${path}\n`);
}
