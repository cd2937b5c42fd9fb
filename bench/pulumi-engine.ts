// The real Pulumi engine on this provider, next to the engine on a provider that does nothing, in
// one run, at several sizes: preview, up, refresh and destroy of N integrations against N resources of
// a no-op dynamic provider (the engine's own cost), for N in BENCH_ENGINE_SIZES, with the SDK both as
// the repository links it and as users install it.
//
//   npx tsc -p tsconfig.build.json && npx tsc -p sdk/tsconfig.json && node dist/bench/pulumi-engine.js
//
// The real server (`serve --log-level warn` on a fresh SQLite file) runs as a child process. Three
// stacks, each in its own folder under test-output/bench/pulumi-engine (file backend, passphrase
// secrets, the same stack config: the server's endpoint and the count; the same environment: the
// admin token in INBOUND_OAUTH_ADMIN_TOKEN, where the provider reads it):
//   noop    bench/programs/noop-resources.ts: N resources of a dynamic provider whose create returns
//           the inputs, read the props, delete nothing (no I/O)
//   linked  bench/programs/inbound-oauth-integrations.ts: N AuthorizationCodeGrant, the SDK resolved
//           through the repository's node_modules/@inbound-oauth/pulumi -> ../../sdk
//   packed  the same program, copied into a folder whose own node_modules has the SDK installed by
//           npm from its `npm pack` tarball, beside one @pulumi/pulumi (packed-install.ts)
// Each round runs, for each stack in turn (the order rotates from round to round):
//   up       the Automation API's inline program, as the e2e tier runs it (scripts/pulumi/stack.ts):
//            a fresh Node process imports the program and drives the CLI; N creates
//   preview  the same on the deployed stack: N unchanged (check and diff of each)
//   refresh  the plain CLI, `pulumi refresh --yes`: N reads
//   destroy  the plain CLI, `pulumi destroy --yes`: N deletes
// each timed on the wall clock. After the first up at each size, `pulumi stack export` gives the
// state's bytes per resource; the integrations' must hold the provider by reference (a short text
// that loads the package), or the run is invalid. The report gives the median of each phase over the
// rounds, the ratio integrations ÷ no-op per phase and size against the goal (within 1.3× for up,
// refresh and destroy), and the time per resource at 1,000 ÷ at 100 (within 1.2×). Each operation
// must succeed with the expected step counts and the server must hold N integrations after up and
// none after destroy; otherwise the run is invalid and the exit code 1.
//
// Environment: BENCH_ENGINE_SIZES (default 10,100,1000), BENCH_ROUNDS (default 3 up to 100
// resources; fewer above, see roundsAt), BENCH_PARALLEL (`--parallel` of every operation; unset: the
// engine's default, the same for all).

import { rmSync } from "node:fs";
import { join } from "node:path";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { PulumiStack } from "../scripts/pulumi/stack";
import { isInterrupted, onCleanup, runMain } from "./lib/cleanup";
import { log, messageOf, packageVersion, round } from "./lib/common";
import { reportHeader, writeReport } from "./lib/report";
import { startSqliteServer } from "./lib/sqlite-server";
import { flatness, type PhaseSample, summarize } from "./pulumi-engine/figures";
import { installPacked, type PackedInstall } from "./pulumi-engine/packed-install";
import { goals, markdown, noisyOperations, pulumiVersion, type Report } from "./pulumi-engine/report";
import { runSide } from "./pulumi-engine/round";
import {
  FLATNESS_GOAL,
  GOAL,
  PHASES,
  RESULTS_FILE,
  roundsAt,
  SETTINGS,
  SIDES,
  type Side,
  WORK_DIR,
} from "./pulumi-engine/settings";
import type { StateFigures } from "./pulumi-engine/state";

async function main(): Promise<number> {
  const began = Date.now();
  // The stacks' folders go at the end, unless an operation failed (then they are kept for inspection).
  let keepWork = false;
  const removeWork = onCleanup(`remove ${WORK_DIR}`, () => {
    if (!keepWork) rmSync(WORK_DIR, { recursive: true, force: true });
  });
  const { server, token, stop } = await startSqliteServer("engine");
  const samples: PhaseSample[] = [];
  const state: StateFigures[] = [];
  let packed: PackedInstall | undefined;
  let error: string | undefined;
  try {
    packed = await installPacked(WORK_DIR);
    const stacks = {} as Record<Side, PulumiStack>;
    for (const side of Object.keys(SIDES) as Side[]) {
      const { projectName } = SIDES[side];
      stacks[side] = new PulumiStack({
        dir: side === "packed" ? packed.stackDir : join(WORK_DIR, side),
        program: side === "packed" ? packed.program : SIDES[side].program,
        projectName,
        stackName: "bench",
        env: { INBOUND_OAUTH_ADMIN_TOKEN: token },
      });
    }
    const sides = Object.keys(SIDES) as Side[];
    let turn = 0;
    for (const size of SETTINGS.sizes) {
      for (const side of sides) {
        const { projectName } = SIDES[side];
        // The same stack config and environment on every side, so that all carry the same settings.
        const config: ConfigMap = {
          "inbound-oauth:endpoint": { value: server.url },
          [`${projectName}:count`]: { value: String(size) },
        };
        log(`size ${size}: configuring stack ${projectName} in ${stacks[side].dir}`);
        await stacks[side].configure(config);
      }
      for (let r = 1; r <= roundsAt(size) && !isInterrupted(); r++, turn++) {
        const order = sides.map((_, i) => sides[(i + turn) % sides.length]!);
        for (const side of order) {
          if (isInterrupted()) break;
          const result = await runSide(
            side,
            stacks[side],
            { size, round: r, measure: r === 1 },
            server,
            token,
          );
          samples.push(...result.samples);
          if (result.state) state.push(result.state);
        }
      }
    }
    if (isInterrupted()) throw new Error("interrupted");
  } catch (caught) {
    error = messageOf(caught);
    log(`failed: ${error}\n--- ${server.name} output ---\n${server.output()}`);
  } finally {
    await stop();
    keepWork = error !== undefined && !isInterrupted();
    await removeWork();
    if (keepWork) log(`kept the stacks' folders for inspection: ${WORK_DIR}`);
  }

  const expected = SETTINGS.sizes.reduce((sum, size) => sum + roundsAt(size), 0) * 3 * PHASES.length;
  const complete = !error && samples.length === expected;
  const phases = complete
    ? SETTINGS.sizes.flatMap((size) =>
        [...PHASES, "total" as const].map((phase) => summarize(samples, size, phase)),
      )
    : [];
  const report: Report = {
    ...reportHeader("pulumi-engine", {
      pulumiCli: await pulumiVersion(),
      pulumiSdk: packageVersion("@pulumi/pulumi"),
      sqlite: process.versions.sqlite ?? "unknown",
    }),
    settings: {
      sizes: SETTINGS.sizes,
      rounds: Object.fromEntries(SETTINGS.sizes.map((size) => [String(size), roundsAt(size)])),
      parallel: SETTINGS.parallel ? String(SETTINGS.parallel) : "engine default (8)",
      goal: GOAL,
      flatnessGoal: FLATNESS_GOAL,
      server: "the server on a fresh SQLite file (WAL, synchronous=FULL), a child process",
      sides: Object.fromEntries(
        (Object.keys(SIDES) as Side[]).map((side) => [
          side,
          { label: SIDES[side].label, program: SIDES[side].program },
        ]),
      ) as Report["settings"]["sides"],
      operations: {
        up: "Automation API inline program in a fresh Node process (scripts/pulumi/stack.ts up())",
        preview: "the same, preview() of the deployed stack (no change)",
        refresh: "plain CLI `pulumi refresh --yes`",
        destroy: "plain CLI `pulumi destroy --yes`",
      },
    },
    ...(packed
      ? { packed: { tarball: packed.tarball, versions: packed.versions, seconds: round(packed.seconds, 1) } }
      : {}),
    phases,
    flatness: flatness(phases),
    state,
    samples,
    noisyOperations: noisyOperations(samples),
    wallSeconds: round((Date.now() - began) / 1000, 0),
    goals: goals(phases, flatness(phases)),
    valid: complete,
    ...(error ? { error } : {}),
  };

  writeReport(RESULTS_FILE, report, markdown);

  if (!report.valid) {
    process.stdout.write(`\n**INVALID RUN**: ${error ?? "not every operation ran"}\n`);
    return 1;
  }
  return 0;
}

runMain(main);
