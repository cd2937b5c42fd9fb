/**
 * The drift job's report (examples/ci/drift-check.ts) on what the real engine printed for
 * `pulumi refresh --preview-only --expect-no-changes --json` on examples/token-restriction after
 * out-of-band changes (recorded by e2e/record-ci-fixtures.ts): an integration edited and its secret
 * rotated, a scope description rewritten with Markdown and HTML in it, an access policy deleted.
 * The report names each drifted resource (changed / deleted out of band) and each property with the
 * state's value → the live value; a secret shows only that it changed; both of the CLI's output
 * forms are read (events, and the single document of CLIs that do not stream). The job's exit codes
 * and the real CLI are covered by e2e/ci-jobs.test.ts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import {
  buildReport,
  type DriftReport,
  driftedProperties,
  identityFrom,
  parseArgs,
  parseEngineOutput,
  renderReport,
} from "../drift-check";

const read = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");
const EVENTS = read("refresh-drift.events.jsonl");
const CHECKED_AT = "2026-01-02T03:04:05.000Z";
const COMMAND = "pulumi refresh --preview-only --expect-no-changes --json --non-interactive --stack dev";

function report(stdout: string, exitCode = 7): DriftReport {
  return buildReport(parseEngineOutput(stdout), { exitCode, checkedAt: CHECKED_AT, command: COMMAND });
}

/** The id the recorded state gives a resource (ids are generated, so read from the fixture). */
function recordedId(name: string): string {
  for (const line of EVENTS.split("\n").filter(Boolean)) {
    const metadata = JSON.parse(line).resOutputsEvent?.metadata;
    if (metadata?.urn.endsWith(`::${name}`)) return metadata.old.id;
  }
  throw new Error(`no ${name} in the fixture`);
}

it("names each drifted resource and property, state → live, in the JSON report", () => {
  const drift = report(EVENTS);
  expect(drift).toEqual({
    project: "examples-token-restriction",
    stack: "dev",
    checkedAt: CHECKED_AT,
    command: COMMAND,
    exitCode: 7,
    status: "drift",
    unchanged: 2,
    token: { name: "ci-fixtures-viewer", role: "viewer" },
    resources: [
      {
        urn: "urn:pulumi:dev::examples-token-restriction::pulumi-nodejs:dynamic/inbound-oauth:ApiAccessPolicy::reporting-app-table-only",
        type: "pulumi-nodejs:dynamic/inbound-oauth:ApiAccessPolicy",
        name: "reporting-app-table-only",
        id: recordedId("reporting-app-table-only"),
        drift: "deleted",
        properties: [],
      },
      {
        urn: "urn:pulumi:dev::examples-token-restriction::pulumi-nodejs:dynamic/inbound-oauth:AuthScope::records-read",
        type: "pulumi-nodejs:dynamic/inbound-oauth:AuthScope",
        name: "records-read",
        id: recordedId("records-read"),
        drift: "changed",
        properties: [
          {
            property: "description",
            secret: false,
            state: "Read records through the Table API",
            live: "Read records | <b>changed</b> in the `console`",
          },
        ],
      },
      {
        urn: "urn:pulumi:dev::examples-token-restriction::pulumi-nodejs:dynamic/inbound-oauth:AuthorizationCodeGrant::reporting-app",
        type: "pulumi-nodejs:dynamic/inbound-oauth:AuthorizationCodeGrant",
        name: "reporting-app",
        id: recordedId("reporting-app"),
        drift: "changed",
        properties: [
          { property: "accessTokenLifespan", secret: false, state: 1800, live: 600 },
          { property: "clientSecret", secret: true },
          {
            property: "redirectUrls",
            secret: false,
            state: ["https://reports.example.com/oauth/callback"],
            live: ["https://reports.example.net/callback"],
          },
        ],
      },
    ],
  });
});

it("renders the Markdown report: a section per resource, a row per property, what to do", () => {
  expect(renderReport(report(EVENTS))).toBe(
    [
      "# Drift report: `examples-token-restriction` (stack `dev`)",
      "",
      "**Drift found**: 3 resources differ from the stack's state (2 changed, 1 deleted out of band); 2 unchanged.",
      "",
      `Checked at ${CHECKED_AT} with \`${COMMAND}\` (exit code 7), as the token \`ci-fixtures-viewer\` (role \`viewer\`).`,
      "",
      "## - deleted out of band: `ApiAccessPolicy` `reporting-app-table-only`",
      "",
      `The record (id \`${recordedId("reporting-app-table-only")}\`) no longer exists on the server.`,
      "",
      "## ~ changed: `AuthScope` `records-read`",
      "",
      "| property | state | live |",
      "| --- | --- | --- |",
      '| `description` | `"Read records through the Table API"` | ``"Read records \\| <b>changed</b> in the `console`"`` |',
      "",
      "## ~ changed: `AuthorizationCodeGrant` `reporting-app`",
      "",
      "| property | state | live |",
      "| --- | --- | --- |",
      "| `accessTokenLifespan` | `1800` | `600` |",
      "| `clientSecret` | `[secret]` | `changed (secret)` |",
      '| `redirectUrls` | `["https://reports.example.com/oauth/callback"]` | `["https://reports.example.net/callback"]` |',
      "",
      "## What to do",
      "",
      "- To put the declared state back: `pulumi up --refresh` (recreates deleted records, overwrites changed properties, puts the known client secret back).",
      "- To keep the live values instead: change the program to match, then `pulumi refresh`.",
      "",
    ].join("\n"),
  );
});

it("shows a rotated secret only as changed: no fingerprint, ciphertext or provider internals", () => {
  const fingerprints = [...new Set(EVENTS.match(/sha256:[\w-]+/g))];
  expect(fingerprints.length).toBe(2); // before and after the rotation
  const drift = report(EVENTS);
  for (const text of [renderReport(drift), JSON.stringify(drift)]) {
    for (const hidden of [
      ...fingerprints,
      "ciphertext",
      "4dabf18193072939515e22adb298388d",
      "__provider",
      "__declared",
    ]) {
      expect(text).not.toContain(hidden);
    }
  }
});

it("masks a secret whatever form the engine gives it, and names it by its fingerprint when only that changed", () => {
  const marked = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
  expect(
    driftedProperties(
      { inputs: { clientSecret: "old-plain-7a1", note: "a" }, outputs: {} },
      { inputs: { clientSecret: "new-plain-2b9", note: { ...marked, plaintext: '"x"' } }, outputs: {} },
    ),
  ).toEqual([
    { property: "clientSecret", secret: true },
    { property: "note", secret: true },
  ]);
  expect(
    driftedProperties(
      { inputs: { name: "a" }, outputs: { name: "a", clientSecretFingerprint: "sha256:old", version: 1 } },
      { inputs: { name: "a" }, outputs: { name: "a", clientSecretFingerprint: "sha256:new", version: 2 } },
    ),
  ).toEqual([{ property: "clientSecret", secret: true }]);
  // A record rewritten with the same declared values: the outputs that moved are named instead.
  expect(
    driftedProperties(
      { inputs: { name: "a" }, outputs: { name: "a", version: 1, __declared: [] } },
      { inputs: { name: "a" }, outputs: { name: "a", version: 2, __declared: ["x"] } },
    ),
  ).toEqual([{ property: "version", secret: false, state: 1, live: 2 }]);
});

it("reads the single document of CLIs that do not stream: deletes named, changes counted and said so", () => {
  const drift = report(read("refresh-drift.document.json"));
  expect(drift.status).toBe("drift");
  expect(drift.resources.map((resource) => [resource.name, resource.drift])).toEqual([
    ["reporting-app-table-only", "deleted"],
  ]);
  expect(drift.unnamedChanges).toBe(2);
  const markdown = renderReport(drift);
  expect(markdown).toContain(
    "**Drift found**: 3 resources differ from the stack's state (2 changed, 1 deleted out of band)",
  );
  expect(markdown).toContain("> The engine counts 2 changed resources that its output does not name");
});

it("reports no drift when every resource came back the same", () => {
  // The recorded events with the changes taken out, as the engine prints a stack without drift.
  const quiet = EVENTS.split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line))
    .filter((event) => !event.resOutputsEvent || event.resOutputsEvent.metadata.op === "same")
    .map((event) =>
      event.summaryEvent
        ? { ...event, summaryEvent: { ...event.summaryEvent, resourceChanges: { same: 5 } } }
        : event,
    )
    .map((event) => JSON.stringify(event))
    .join("\n");
  const clean = report(quiet, 0);
  expect(clean.status).toBe("no-drift");
  expect(clean.resources).toEqual([]);
  expect(renderReport(clean)).toBe(
    [
      "# Drift report: `examples-token-restriction` (stack `dev`)",
      "",
      "**No drift**: all 5 resources of the stack match the live records.",
      "",
      `Checked at ${CHECKED_AT} with \`${COMMAND}\` (exit code 0), as the token \`ci-fixtures-viewer\` (role \`viewer\`).`,
      "",
    ].join("\n"),
  );
});

it("names the token the provider said it called the server as, from either output form, never guessing", () => {
  expect(parseEngineOutput(EVENTS).identities).toEqual([{ name: "ci-fixtures-viewer", role: "viewer" }]);
  const document = parseEngineOutput(read("refresh-drift.document.json"));
  expect(document.identities).toEqual([{ name: "ci-fixtures-viewer", role: "viewer" }]);
  // Output without the provider's line (no record read, or a server without /api/v1/whoami).
  const silent = EVENTS.split("\n")
    .filter((line) => !line.includes("inbound-oauth: calling"))
    .join("\n");
  const unnamed = report(silent);
  expect(unnamed.token).toBeNull();
  expect(renderReport(unnamed)).toContain("(exit code 7), as no known token");
});

it("reads the identity line for every token name and role the server allows, and nothing else", () => {
  fc.assert(
    fc.property(
      fc.stringMatching(/^[A-Za-z0-9._@-]{1,100}$/),
      fc.constantFrom("admin", "oauth_admin", "mi_admin", "viewer"),
      fc.webUrl(),
      (name, role, url) => {
        const line = `inbound-oauth: calling ${url} as the token "${name}" (role ${role}), from the environment variable INBOUND_OAUTH_ADMIN_TOKEN\n\n`;
        expect(identityFrom(line)).toEqual({ name, role });
        expect(identityFrom(line.replace("inbound-oauth: calling", "calling"))).toBeUndefined();
      },
    ),
  );
});

it("tells a failed run from a finished one, and unreadable output from an empty stack", () => {
  const failed = `${JSON.stringify({ diagnosticEvent: { severity: "error", message: "preview failed\n" } })}\n${JSON.stringify(
    { summaryEvent: { resourceChanges: { same: 1 }, result: "failed" } },
  )}`;
  expect(parseEngineOutput(failed)).toMatchObject({ failed: true, errors: ["preview failed"] });
  expect(() => parseEngineOutput("")).toThrow("pulumi printed nothing on stdout");
  expect(() => parseEngineOutput("error: no stack named 'dev' found")).toThrow(
    /line 1 of pulumi's output is not JSON/,
  );
});

it("takes --stack, --cwd and --report-dir (the report beside the project by default)", () => {
  expect(parseArgs([])).toEqual({ cwd: process.cwd(), reportDir: process.cwd() });
  expect(parseArgs(["--stack", "prod", "--cwd", "/srv/infra"])).toEqual({
    stack: "prod",
    cwd: "/srv/infra",
    reportDir: "/srv/infra",
  });
  expect(parseArgs(["--cwd=/srv/infra", "--report-dir", "/tmp/out"])).toEqual({
    cwd: "/srv/infra",
    reportDir: "/tmp/out",
  });
  expect(() => parseArgs(["--stak", "dev"])).toThrow("unknown argument --stak");
  expect(() => parseArgs(["--stack"])).toThrow("--stack needs a value");
});
