import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * A stored record document (the JSON column of every record table) is decoded in one place,
 * storage/records/decode.ts, so that every read returns the same typed record. Scanned in every
 * source file: a JSON.parse of something named document.
 */
const SRC = join(__dirname, "..", "..", "src");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

test("a record document is decoded only in storage/records/decode.ts", () => {
  const decoding = sources(SRC)
    .filter((file) => /JSON\.parse\([^)]*document/.test(readFileSync(file, "utf8")))
    .map((file) => relative(SRC, file));
  expect(decoding).toContain("storage/records/decode.ts");
  expect(decoding).toEqual(["storage/records/decode.ts"]);
});
