// The real Pulumi engine on this provider, next to the engine on a provider that does nothing, in
// one run: up, refresh and destroy of BENCH_COUNT integrations against BENCH_COUNT resources of a
// no-op dynamic provider (the engine's own cost).
//
//   npx tsc -p tsconfig.build.json && node dist/bench/pulumi-engine.js
//
// The real server (`serve --log-level warn` on a fresh SQLite file) runs as a child process. Two
// stacks, each in its own folder under test-output/bench/pulumi-engine (file backend, passphrase
// secrets, the same stack config: the server's endpoint and the count; the same environment: the
// admin token in INBOUND_OAUTH_ADMIN_TOKEN, where the provider reads it):
//   integrations  bench/programs/inbound-oauth-integrations.ts: BENCH_COUNT AuthorizationCodeGrant
//   no-op         bench/programs/noop-resources.ts: BENCH_COUNT resources of a dynamic provider whose
//                 create returns the inputs, read the props, delete nothing (no I/O)
// Each round runs, for one stack then the other (which goes first alternates from round to round):
//   up       the Automation API's inline program, as the e2e tier runs it (scripts/pulumi/stack.ts):
//            a fresh Node process imports the program and drives the CLI; BENCH_COUNT creates
//   refresh  the plain CLI, `pulumi refresh --yes`: BENCH_COUNT reads
//   destroy  the plain CLI, `pulumi destroy --yes`: BENCH_COUNT deletes
// each timed on the wall clock. The report gives the median of each phase over the rounds and the
// ratio integrations ÷ no-op per phase, against the goal (within 1.3×). Each operation must succeed
// with the expected step counts and the server must hold BENCH_COUNT integrations after up and none
// after destroy; otherwise the run is invalid and the exit code 1.
//
// Environment: BENCH_COUNT (resources per stack, default 100), BENCH_ROUNDS (default 3),
// BENCH_PARALLEL (`--parallel` of every operation; unset: the engine's default, the same for all).

import { rmSync } from "node:fs";
import { join } from "node:path";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { PulumiStack } from "../scripts/pulumi/stack";
import { isInterrupted, onCleanup, runMain } from "./lib/cleanup";
import { log, messageOf, packageVersion } from "./lib/common";
import { reportHeader, writeReport } from "./lib/report";
import { startSqliteServer } from "./lib/sqlite-server";
import { type PhaseSample, summarize } from "./pulumi-engine/figures";
import { markdown, noisyOperations, pulumiVersion, type Report } from "./pulumi-engine/report";
import { runSide } from "./pulumi-engine/round";
import { GOAL, PHASES, RESULTS_FILE, SETTINGS, SIDES, type Side, WORK_DIR } from "./pulumi-engine/settings";

async function main(): Promise<number> {
  // The stacks' folders go at the end, unless an operation failed (then they are kept for inspection).
  let keepWork = false;
  const removeWork = onCleanup(`remove ${WORK_DIR}`, () => {
    if (!keepWork) rmSync(WORK_DIR, { recursive: true, force: true });
  });
  const { server, token, stop } = await startSqliteServer("engine");
  const samples: PhaseSample[] = [];
  let error: string | undefined;
  try {
    const stacks = {} as Record<Side, PulumiStack>;
    for (const side of Object.keys(SIDES) as Side[]) {
      const { program, projectName } = SIDES[side];
      const stack = new PulumiStack({
        dir: join(WORK_DIR, side),
        program,
        projectName,
        stackName: "bench",
        env: { INBOUND_OAUTH_ADMIN_TOKEN: token },
      });
      // The same stack config and environment on both sides, so that both carry the same settings.
      const config: ConfigMap = {
        "inbound-oauth:endpoint": { value: server.url },
        [`${projectName}:count`]: { value: String(SETTINGS.count) },
      };
      log(`creating stack ${projectName} in ${stack.dir}`);
      await stack.configure(config);
      stacks[side] = stack;
    }

    for (let r = 1; r <= SETTINGS.rounds && !isInterrupted(); r++) {
      const order: Side[] = r % 2 === 1 ? ["integrations", "noop"] : ["noop", "integrations"];
      for (const side of order) {
        if (isInterrupted()) break;
        samples.push(...(await runSide(side, stacks[side], r, server, token)));
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

  const complete = !error && samples.length === SETTINGS.rounds * 2 * PHASES.length;
  const report: Report = {
    ...reportHeader("pulumi-engine", {
      pulumiCli: await pulumiVersion(),
      pulumiSdk: packageVersion("@pulumi/pulumi"),
      sqlite: process.versions.sqlite ?? "unknown",
    }),
    settings: {
      count: SETTINGS.count,
      rounds: SETTINGS.rounds,
      parallel: SETTINGS.parallel ? String(SETTINGS.parallel) : "engine default (8)",
      goal: GOAL,
      server: "the server on a fresh SQLite file (WAL, synchronous=FULL), a child process",
      programs: { integrations: SIDES.integrations.program, noop: SIDES.noop.program },
      operations: {
        up: "Automation API inline program in a fresh Node process (scripts/pulumi/stack.ts up())",
        refresh: "plain CLI `pulumi refresh --yes`",
        destroy: "plain CLI `pulumi destroy --yes`",
      },
    },
    phases: complete ? PHASES.map((phase) => summarize(samples, phase)) : [],
    ...(complete ? { total: summarize(samples, "total") } : {}),
    samples,
    noisyOperations: noisyOperations(samples),
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
