import { readFileSync } from "node:fs";
import { join } from "node:path";
import { VERSION } from "../../src/version";

const packageJson = JSON.parse(readFileSync(join(__dirname, "..", "..", "..", "package.json"), "utf8")) as {
  version: string;
};

describe("VERSION", () => {
  it("equals the version in package.json", () => {
    expect(VERSION).toBe(packageJson.version);
  });

  it("is a semantic version", () => {
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/);
  });
});
