import { readFileSync } from "node:fs";
import { join } from "node:path";
import { VERSION } from "../../../server/src/version";
import { docsPath, renderDocs } from "../../scripts/generate-docs";
import { findRepoRoot, schemaPath } from "../../scripts/generate-schema";
import { buildPulumiSchema, type PulumiPackageSchema, type PulumiPropertySpec } from "../../src/schema/build";
import {
  CONVERGENCE,
  className,
  NONE,
  NOTE_REPLACES,
  NOTE_SECRET,
  RESOURCE_ORDER,
  renderResourceDocs,
  SDK_PACKAGE,
} from "../../src/schema/docs";

const docs = readFileSync(docsPath(), "utf8");
/** The committed schema.json, read as a file: the docs are checked against what users see there. */
const committedSchema = JSON.parse(readFileSync(schemaPath(), "utf8")) as PulumiPackageSchema;

/** The lines under a heading, up to the next heading of the same or a higher level. */
function section(lines: readonly string[], heading: string): string[] {
  const level = heading.match(/^#+/)?.[0].length ?? 0;
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`docs/resources.md has no heading "${heading}"`);
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => {
    const hashes = line.match(/^(#+) /)?.[1]?.length;
    return hashes !== undefined && hashes <= level;
  });
  return end < 0 ? rest : rest.slice(0, end);
}

/** The cells of a table row, unescaping `\|`. */
function cells(row: string): string[] {
  return row
    .replace(/^\|\s*/, "")
    .replace(/\s*\|$/, "")
    .split(/\s*(?<!\\)\|\s*/)
    .map((text) => text.replace(/\\\|/g, "|"));
}

/** The rows of the first table in `lines`, keyed by their header. */
function tableRows(lines: readonly string[]): Record<string, string>[] {
  const rows = lines.filter((line) => line.startsWith("|"));
  const [header, separator, ...body] = rows;
  if (!header || !separator) throw new Error("no table");
  expect(separator).toMatch(/^\|( --- \|)+$/);
  const names = cells(header);
  return body.map((row) => {
    const values = cells(row);
    expect(values).toHaveLength(names.length);
    return Object.fromEntries(names.map((name, i) => [name, values[i] ?? ""]));
  });
}

const lines = docs.split("\n");
const resourceSection = (token: string) => section(lines, `## ${className(token)}`);

describe("docs/resources.md", () => {
  test("is found at the top of the repository", () => {
    expect(docsPath()).toBe(join(findRepoRoot(), "docs", "resources.md"));
  });

  test("is exactly renderResourceDocs(buildPulumiSchema(VERSION)) (if not: run `make generate` and commit it)", () => {
    const expected = renderResourceDocs(buildPulumiSchema(VERSION));
    expect(renderDocs()).toBe(expected);
    if (docs !== expected) {
      throw new Error(
        "docs/resources.md is out of date: run `make generate` and commit it " +
          "(it is rendered from buildPulumiSchema(VERSION) by provider/scripts/generate-docs.ts).",
      );
    }
  });

  test("documents the resources of schema.json in order: AuthorizationCodeGrant, AuthScope, ApiAccessPolicy", () => {
    const headings = lines.filter((line) => /^## /.test(line)).map((line) => line.slice(3));
    expect(headings).toEqual(["Provider configuration", CONVERGENCE[0]!.slice(3), ...RESOURCE_ORDER]);
    expect(Object.keys(committedSchema.resources).map(className).sort()).toEqual([...RESOURCE_ORDER].sort());
  });

  test("each resource names its type token and its import from the SDK package", () => {
    const sdk = JSON.parse(readFileSync(join(findRepoRoot(), "sdk", "package.json"), "utf8")) as {
      name: string;
    };
    expect(sdk.name).toBe(SDK_PACKAGE);
    const index = readFileSync(join(findRepoRoot(), "sdk", "src", "index.ts"), "utf8");
    for (const token of Object.keys(committedSchema.resources)) {
      const name = className(token);
      const text = resourceSection(token).join("\n");
      expect(text).toContain(`\`${token}\``);
      expect(text).toContain(`import { ${name} } from "@inbound-oauth/pulumi";`);
      expect(index).toMatch(new RegExp(`export \\{ ${name}\\b`));
    }
  });

  test("provider configuration: a row per config variable, with its key, environment variable and secret flag", () => {
    const rows = tableRows(section(lines, "## Provider configuration"));
    const variables = Object.entries(committedSchema.config.variables);
    expect(variables.map(([name]) => name)).toEqual(["endpoint"]);
    expect(rows).toEqual(
      variables.map(([name, spec]) => ({
        "Stack config key": `\`inbound-oauth:${name}\``,
        "Environment variable": (spec.defaultInfo?.environment ?? []).map((env) => `\`${env}\``).join(", "),
        Secret: spec.secret ? "yes" : "no",
        Description: spec.description,
      })),
    );
  });

  test("provider configuration: the admin token is said to come from the environment only, and why", () => {
    const text = section(lines, "## Provider configuration").join("\n");
    expect(text).toContain(
      "`INBOUND_OAUTH_ADMIN_TOKEN` environment variable of its own process, and only from there",
    );
    expect(text).toContain("a refresh or destroy runs with that recorded copy");
  });
});

describe.each(Object.entries(committedSchema.resources))("docs/resources.md: %s", (token, resource) => {
  const inputRows = () => tableRows(section(resourceSection(token), "### Inputs"));
  const outputSection = () => section(resourceSection(token), "### Outputs");

  test("every input property of schema.json has its row: type, required, default, notes, description", () => {
    const rows = inputRows();
    const inputs = Object.entries(resource.inputProperties) as [string, PulumiPropertySpec][];
    expect(inputs.length).toBeGreaterThan(0);
    expect(rows.map((row) => row.Property)).toEqual(inputs.map(([name]) => `\`${name}\``));
    for (const [name, spec] of inputs) {
      const row = rows.find((r) => r.Property === `\`${name}\``);
      const notes = [spec.secret && NOTE_SECRET, spec.replaceOnChanges && NOTE_REPLACES].filter(Boolean);
      expect({ name, row }).toEqual({
        name,
        row: {
          Property: `\`${name}\``,
          Type: `\`${spec.type === "array" ? `${spec.items?.type}[]` : spec.type}\``,
          Required: resource.requiredInputs.includes(name) ? "yes" : "no",
          Default: spec.default === undefined ? NONE : `\`${JSON.stringify(spec.default)}\``,
          Notes: notes.length > 0 ? notes.join("; ") : NONE,
          Description: spec.description,
        },
      });
    }
  });

  test('the defaults read as in a program (false, 1800, "Opaque")', () => {
    const byName = new Map(inputRows().map((row) => [row.Property, row.Default]));
    expect(byName.get("`adopt`")).toBe("`false`");
    if (className(token) === "AuthorizationCodeGrant") {
      expect(byName.get("`tokenFormat`")).toBe('`"Opaque"`');
      expect(byName.get("`accessTokenLifespan`")).toBe("`1800`");
      expect(byName.get("`clientId`")).toBe(NONE);
    }
  });

  test("outputs: only the output-only properties, and a note that every input is also an output", () => {
    const rows = tableRows(outputSection());
    const outputOnly = Object.keys(resource.properties).filter((name) => !(name in resource.inputProperties));
    expect(outputOnly).toEqual(expect.arrayContaining(["version", "createdAt", "updatedAt"]));
    expect(rows.map((row) => row.Property)).toEqual(outputOnly.map((name) => `\`${name}\``));
    for (const row of rows) {
      const name = row.Property?.replace(/`/g, "") ?? "";
      expect({ name, always: row["Always present"] }).toEqual({
        name,
        always: resource.required.includes(name) ? "yes" : "no",
      });
      expect({ name, description: row.Description }).toEqual({
        name,
        description: resource.properties[name]?.description,
      });
    }
    const note = outputSection().find((line) => line.startsWith("Every input is also an output"));
    expect(note).toBeDefined();
    // The only input that is not an output (adopt) is named as the exception.
    const notOutputs = Object.keys(resource.inputProperties).filter((name) => !(name in resource.properties));
    expect(notOutputs).toEqual(["adopt"]);
    expect(note).toContain("(except `adopt`");
  });
});
