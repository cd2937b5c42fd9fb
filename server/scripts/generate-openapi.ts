// Writes server/openapi.json from the contract's manifests and zod schemas. `make check-generated` fails when the committed
// file differs, so the published document and the code cannot drift apart.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildOpenApiDocument } from "../src/openapi/document";
import { VERSION } from "../src/version";

export const OPENAPI_PATH = join(__dirname, "..", "..", "..", "server", "openapi.json");

export function renderOpenApi(): string {
  return `${JSON.stringify(buildOpenApiDocument(VERSION), null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(OPENAPI_PATH, renderOpenApi());
  process.stdout.write(`wrote ${OPENAPI_PATH}\n`);
}
