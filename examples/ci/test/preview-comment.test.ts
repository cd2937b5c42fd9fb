/**
 * The pull-request renderer (examples/ci/preview-comment.ts) on documents the real engine printed
 * for `pulumi preview --diff --json` on examples/basic (recorded by e2e/record-ci-fixtures.ts):
 * per resource its operation and each changed property old → new; creates with their inputs; a
 * replacement flagged with the property that forces it; deletes; unchanged resources only counted;
 * secrets and the provider's internals never shown; values unable to break the Markdown.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { code, type PreviewDocument, parsePreview, renderPreview } from "../preview-comment";

const fixture = (name: string): PreviewDocument =>
  parsePreview(readFileSync(join(__dirname, "fixtures", name), "utf8"), name);

/** The integration's step of a recorded document (to derive variants of real output). */
function integrationStep(document: PreviewDocument) {
  const step = document.steps.find((candidate) => candidate.urn.endsWith("::web-app"));
  if (!step) throw new Error("no web-app step");
  return step;
}

it("renders an update as one row per changed property, old → new, under the operation counts", () => {
  expect(renderPreview(fixture("preview-update.json"))).toBe(
    [
      "<!-- pulumi-preview: examples-basic/dev -->",
      "",
      "### Pulumi preview: `examples-basic` (stack `dev`)",
      "",
      "**1 to update** · 2 unchanged",
      "",
      "#### ~ update `AuthorizationCodeGrant` `web-app`",
      "",
      "| property | old | new |",
      "| --- | --- | --- |",
      "| `accessTokenLifespan` | `1800` | `900` |",
      '| `redirectUrls` | `["https://app.example.com/oauth/callback"]` | `["https://app.example.com/oauth/callback","http://127.0.0.1:8400/oauth/callback"]` |',
      "",
    ].join("\n"),
  );
});

it("lists each create with its inputs and never the provider's internals", () => {
  const markdown = renderPreview(fixture("preview-create.json"));
  expect(markdown).toContain("**3 to create** · 0 unchanged");
  expect(markdown).toContain("#### + create `AuthScope` `useraccount`");
  expect(markdown).toContain("#### + create `AuthorizationCodeGrant` `web-app`");
  expect(markdown).toContain('| `limitAuthorizationToApis` | `["Table API"]` |');
  expect(markdown).toContain('| `redirectUrls` | `["https://app.example.com/oauth/callback"]` |');
  expect(markdown).toContain("| `accessTokenLifespan` | `1800` |");
  // The document carries the serialized provider and the SDK's seed in every input.
  expect(JSON.stringify(fixture("preview-create.json"))).toContain("__provider");
  for (const hidden of [
    "__provider",
    "__resource",
    "__declared",
    "exports.handler",
    "examples-basic/dev/web-app",
  ]) {
    expect(markdown).not.toContain(hidden);
  }
  // The stack resource Pulumi adds is counted, not listed.
  expect(markdown).not.toContain("Stack");
});

it("flags a replacement and the property that forces it, with the generated value it replaces", () => {
  const document = fixture("preview-replace.json");
  const markdown = renderPreview(document);
  const generated = integrationStep(document).oldState?.outputs?.clientId;
  expect(typeof generated).toBe("string");
  expect(markdown).toContain("**1 to replace** · 2 unchanged");
  expect(markdown).toContain("#### ± replace `AuthorizationCodeGrant` `web-app`");
  expect(markdown).toContain(
    "> **Replacement**: the record is deleted and created anew, forced by `clientId`.",
  );
  expect(markdown).toContain(
    `| \`clientId\` **(forces replacement)** | \`"${generated}"\` | \`"example-web-app"\` |`,
  );
  // The other changes of the same step are listed too, without the flag.
  expect(markdown).toContain("| `accessTokenLifespan` | `1800` | `900` |");
});

it("names a delete and the record it removes", () => {
  const document = fixture("preview-delete.json");
  const markdown = renderPreview(document);
  expect(markdown).toContain("**1 to delete** · 2 unchanged");
  expect(markdown).toContain("#### - delete `AuthorizationCodeGrant` `web-app`");
  expect(markdown).toContain(`(id \`${integrationStep(document).oldState?.id}\`) are deleted.`);
  expect(markdown).not.toContain("useraccount"); // unchanged: counted only
});

it("never prints a secret: engine-marked values, secret-named properties, secrets nested in lists", () => {
  const document = fixture("preview-update.json");
  const step = integrationStep(document);
  const marked = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
  // What `pulumi preview --json --show-secrets` would print: the plaintext beside the signature.
  step.oldState!.inputs!.clientSecret = "[secret]";
  step.newState!.inputs!.clientSecret = { ...marked, plaintext: '"new-secret-1f6b"' };
  step.newState!.inputs!.adminToken = "plain-token-9c2e";
  step.newState!.inputs!.redirectUrls = [
    "https://a.example.com/cb",
    { ...marked, plaintext: '"nested-3d1a"' },
  ];
  const markdown = renderPreview(document);
  for (const leaked of ["new-secret-1f6b", "plain-token-9c2e", "nested-3d1a", "plaintext"]) {
    expect(markdown).not.toContain(leaked);
  }
  expect(markdown).toContain("| `clientSecret` | `[secret]` | `changed (secret)` |");
  expect(markdown).toContain("| `adminToken` | `(unset)` | `changed (secret)` |");
  expect(markdown).toContain("| `redirectUrls` | `[secret]` | `changed (secret)` |");
});

it("keeps Markdown and HTML in values inert: code spans, escaped pipes, fences longer than backticks inside", () => {
  const document = fixture("preview-update.json");
  integrationStep(document).newState!.inputs!.providerName = "A | <img src=x onerror=alert(1)> `x` **b**";
  const markdown = renderPreview(document);
  expect(markdown).toContain(
    '| `providerName` | `"Example web app"` | ``"A \\| <img src=x onerror=alert(1)> `x` **b**"`` |',
  );
  expect(code("a`b")).toBe("``a`b``");
  expect(code("`x`")).toBe("`` `x` ``");
  expect(code("a|b")).toBe("`a|b`");
  expect(code("a|b", true)).toBe("`a\\|b`");
  expect(code("two\nlines")).toBe("`two lines`");
});

it("says when an update changes nothing visible, and shows the engine's errors", () => {
  const document = fixture("preview-update.json");
  const step = integrationStep(document);
  step.newState!.inputs = { ...step.oldState!.inputs };
  document.diagnostics = [
    { severity: "info#err", message: "    at read (/somewhere/provider.ts:1:1)\n" },
    { severity: "error", message: "Preview failed: NETWORK_ERROR: no answer\n" },
  ];
  const markdown = renderPreview(document);
  expect(markdown).toContain("No visible property changes (only secret or computed values change).");
  expect(markdown).toContain("#### Errors\n\n```text\nPreview failed: NETWORK_ERROR: no answer\n```");
  expect(markdown).not.toContain("/somewhere");
});

it("refuses input that is not a preview document, saying what it expected", () => {
  expect(() => parsePreview("Previewing update (dev):", "preview.json")).toThrow(
    /^preview.json is not JSON .*pulumi preview --diff --json/,
  );
  expect(() => parsePreview('{"config": {}}', "preview.json")).toThrow('preview.json has no "steps"');
});
