// Writes schema.json (the Pulumi package schema) from the resource descriptors and the zod contract.
// `make check-generated` fails when the committed file differs, so the schema and the code cannot
// drift apart. Runs from provider/scripts (ts) and from dist/provider/scripts (compiled) alike.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { VERSION } from "../../server/src/version";
import { renderPulumiSchema } from "../src/schema/build";

const PACKAGE_NAME = "pulumi-inbound-oauth";

/** The nearest folder at or above `start` whose package.json is this repository's. */
export function findRepoRoot(start: string = __dirname): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === PACKAGE_NAME)
          return dir;
      } catch {
        // An unreadable package.json is not ours: keep walking up.
      }
    }
    if (dirname(dir) === dir) throw new Error(`no package.json named "${PACKAGE_NAME}" at or above ${start}`);
  }
}

export function schemaPath(): string {
  return join(findRepoRoot(), "schema.json");
}

export function renderSchema(): string {
  return renderPulumiSchema(VERSION);
}

if (require.main === module) {
  const path = schemaPath();
  writeFileSync(path, renderSchema());
  process.stdout.write(`wrote ${path}\n`);
}
