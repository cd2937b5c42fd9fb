// Records the engine output that examples/ci's unit tests render (examples/ci/test/fixtures/): real
// documents of `pulumi preview --diff --json` on examples/basic (create, update, replacement,
// delete) and of `pulumi refresh --preview-only --expect-no-changes --json` on
// examples/token-restriction after out-of-band changes (an edited integration, a rotated secret, a
// scope description with Markdown and HTML in it, a deleted access policy), in both forms the CLI
// prints: events (PULUMI_ENABLE_STREAMING_JSON_PREVIEW, what drift-check.ts asks for) and the
// single document. Ports, the repository's path and tokens are scrubbed; the recorder then checks
// that no secret, token or machine path is left.
//
// Not part of the test suite (the name does not end in .test.ts). Run it after `make build` with
// the e2e tier's setup (World: the built server, the real CLI):
//   NODE_OPTIONS="--experimental-vm-modules --disable-warning=ExperimentalWarning" \
//     jest --selectProjects e2e --testMatch '<rootDir>/e2e/record-ci-fixtures.ts'
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, run } from "../scripts/pulumi/cli";
import { createAdminToken } from "../server/test/helpers/built-server";
import { World } from "./helpers/world";

jest.setTimeout(900_000);

const FIXTURES = join(REPO_ROOT, "examples", "ci", "test", "fixtures");
const REFRESH = ["refresh", "--preview-only", "--expect-no-changes", "--json"];

/** A program that keeps examples/basic's scope and drops its integration (a delete preview). */
const SCOPE_ONLY = `import { AuthScope } from "@inbound-oauth/pulumi";
new AuthScope("useraccount", {
  name: "useraccount",
  description: "Read your user account records",
  limitAuthorizationToApis: ["Table API"],
});
`;

/**
 * The CLI's warning that it found its dynamic-provider plugin on PATH rather than beside the binary
 * it was built as: about this machine's layout (it names its paths), not the engine's output.
 */
function isLocalWarning(message: string | undefined): boolean {
  return /^(warning: )?using pulumi-resource-pulumi-nodejs from \$PATH/.test(message ?? "");
}

it("records the engine output of examples/ci's fixtures", async () => {
  const world = await World.start("ci-fixtures");
  const forbidden: string[] = [world.server.adminToken, REPO_ROOT];
  const port = String(world.server.port);
  const scrub = (text: string) =>
    text
      .replaceAll(`127.0.0.1:${port}`, "127.0.0.1:8080")
      .replaceAll(`localhost:${port}`, "localhost:8080")
      .replaceAll(REPO_ROOT, "/repo");
  const write = (name: string, text: string) => {
    const scrubbed = scrub(text);
    for (const value of forbidden) {
      if (scrubbed.includes(value)) throw new Error(`${name} would contain ${value.slice(0, 12)}…`);
    }
    if (scrubbed.includes(`:${port}`)) throw new Error(`${name} would contain the port ${port}`);
    writeFileSync(join(FIXTURES, name), scrubbed.endsWith("\n") ? scrubbed : `${scrubbed}\n`);
  };
  const document = (name: string, json: unknown) => {
    if (!json) throw new Error(`no JSON document for ${name}`);
    const diagnostics = (json as { diagnostics?: Array<{ message?: string }> }).diagnostics;
    if (diagnostics) {
      (json as { diagnostics: unknown[] }).diagnostics = diagnostics.filter(
        (d) => !isLocalWarning(d.message),
      );
    }
    write(name, JSON.stringify(json, null, 2));
  };
  const eventLines = (text: string) =>
    text
      .split("\n")
      .filter((line) => !line.trim() || !isLocalWarning(JSON.parse(line).diagnosticEvent?.message))
      .join("\n");
  try {
    mkdirSync(FIXTURES, { recursive: true });
    const viewer = await createAdminToken(world.server, "ci-fixtures-viewer", "viewer");
    forbidden.push(viewer);

    // examples/basic: the previews of a pull request.
    const basic = await world.stack("basic", "examples/basic/index.ts", { projectName: "examples-basic" });
    document("preview-create.json", (await basic.preview({ diff: true, json: true })).json);
    const up = await basic.up();
    if (!up.ok) throw new Error(`up failed: ${up.error}`);
    forbidden.push(String(up.outputs?.clientSecret?.value));
    const redirectUrls = ["https://app.example.com/oauth/callback", "http://127.0.0.1:8400/oauth/callback"];
    await basic.configure({
      redirectUrls: { value: JSON.stringify(redirectUrls) },
      accessTokenLifespan: { value: "900" },
    });
    document("preview-update.json", (await basic.preview({ diff: true, json: true })).json);
    await basic.configure({ clientId: { value: "example-web-app" } });
    document("preview-replace.json", (await basic.preview({ diff: true, json: true })).json);
    await basic.configure({}, ["clientId", "redirectUrls", "accessTokenLifespan"]);
    const scopeOnly = join(world.dir, "scope-only.ts");
    writeFileSync(scopeOnly, SCOPE_ONLY);
    basic.useProgram(scopeOnly);
    document("preview-delete.json", (await basic.preview({ diff: true, json: true })).json);

    // examples/token-restriction: drift of every kind, as the scheduled job sees it.
    const restricted = await world.stack("token-restriction", "examples/token-restriction/index.ts", {
      projectName: "examples-token-restriction",
    });
    const upRestricted = await restricted.up();
    if (!upRestricted.ok) throw new Error(`up failed: ${upRestricted.error}`);
    forbidden.push(String(upRestricted.outputs?.clientSecret?.value));
    const [integration] = await world
      .list("integrations")
      .then((all) => all.filter((record) => record.name === "Reporting app"));
    const scope = (await world.list("auth-scopes")).find((record) => record.name === "records.read");
    const [policy] = await world.list("api-access-policies");
    if (!integration || !scope || !policy) throw new Error("token-restriction's records are missing");
    const edited = await world.edit("integrations", String(integration.id), {
      redirectUrls: ["https://reports.example.net/callback"],
      accessTokenLifespan: 600,
    });
    if (edited.status !== 200) throw new Error(`editing the integration answered ${edited.status}`);
    const rotated = await world.api("POST", `/api/v1/integrations/${integration.id}/rotate-secret`);
    if (rotated.status !== 200) throw new Error(`rotating the secret answered ${rotated.status}`);
    forbidden.push(String(rotated.body.clientSecret));
    const description = "Read records | <b>changed</b> in the `console`";
    if ((await world.edit("auth-scopes", String(scope.id), { description })).status !== 200) {
      throw new Error("editing the scope failed");
    }
    const removed = await world.api("DELETE", `/api/v1/api-access-policies/${policy.id}`);
    if (removed.status !== 204) throw new Error(`deleting the policy answered ${removed.status}`);
    const viewerEnv = { INBOUND_OAUTH_ADMIN_TOKEN: viewer };
    const events = await restricted.cli(REFRESH, {
      ...viewerEnv,
      PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "true",
    });
    if (events.code !== 7) throw new Error(`refresh (events) exited ${events.code}: ${events.stderr}`);
    write("refresh-drift.events.jsonl", eventLines(events.stdout));
    const single = await restricted.cli(REFRESH, viewerEnv);
    if (single.code !== 7) throw new Error(`refresh (document) exited ${single.code}: ${single.stderr}`);
    document("refresh-drift.document.json", JSON.parse(single.stdout));
    // In the repository's JSON style, so that `biome check .` passes on the new fixtures.
    const biome = join(REPO_ROOT, "node_modules", ".bin", "biome");
    const formatted = await run(biome, ["format", "--write", FIXTURES], { cwd: REPO_ROOT, env: {} });
    if (formatted.code !== 0) throw new Error(`biome format failed: ${formatted.stderr}`);
  } finally {
    await world.stop();
  }
});
