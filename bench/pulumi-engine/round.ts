// One round of one stack at one size: up, preview, refresh and destroy, each checked against the
// engine's summary and the server's view.
import type { PulumiStack } from "../../scripts/pulumi/stack";
import { log } from "../lib/common";
import type { ServerProcess } from "../lib/server-process";
import { type PhaseSample, timedPhase } from "./figures";
import { type Phase, SETTINGS, SIDES, type Side } from "./settings";
import { measureState, type StateFigures } from "./state";

export async function integrationCount(server: ServerProcess, token: string): Promise<number> {
  let count = 0;
  let cursor: string | null | undefined;
  do {
    const query = cursor ? `?limit=100&cursor=${encodeURIComponent(cursor)}` : "?limit=100";
    const response = await fetch(`${server.url}/api/v1/integrations${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await response.json()) as { items?: unknown[]; nextCursor?: string | null };
    if (response.status !== 200) throw new Error(`GET /api/v1/integrations answered ${response.status}`);
    count += body.items?.length ?? 0;
    cursor = body.nextCursor;
  } while (cursor);
  return count;
}

/** `N unchanged`, `N deleted`... from the plain CLI's summary ("Resources:" block). */
export function summaryCount(stdout: string, word: string): number {
  const match = new RegExp(`(\\d+) ${word}`).exec(stdout.slice(stdout.lastIndexOf("Resources:")));
  return match ? Number(match[1]) : 0;
}

/** One side's round at one size: its samples, and the state's figures when asked for (after up, untimed). */
export async function runSide(
  side: Side,
  stack: PulumiStack,
  at: { size: number; round: number; measure: boolean },
  server: ServerProcess,
  token: string,
): Promise<{ samples: PhaseSample[]; state?: StateFigures }> {
  const { size } = at;
  const parallelArgs = SETTINGS.parallel ? ["--parallel", String(SETTINGS.parallel)] : [];
  const runnerOptions = SETTINGS.parallel ? { parallel: SETTINGS.parallel } : {};
  const samples: PhaseSample[] = [];
  const sample = (phase: Phase) => ({ size, round: at.round, side, phase });
  const failed = (phase: Phase, detail: string) =>
    new Error(`size ${size}, round ${at.round}, ${SIDES[side].label}: ${phase} failed: ${detail}`);
  const expectHeld = async (phase: Phase, expected: number) => {
    if (side === "noop") return;
    const held = await integrationCount(server, token);
    if (held !== expected) throw failed(phase, `the server holds ${held} integrations, expected ${expected}`);
  };
  // The runner's phases (the program runs): the steps per operation of the engine's summary.
  const runnerPhase = async (phase: "up" | "preview", what: string, operation: string) => {
    log(`size ${size}, round ${at.round}: ${side} ${phase} (${size} ${what})`);
    const run = await timedPhase(server, sample(phase), () =>
      phase === "up" ? stack.up(runnerOptions) : stack.preview(runnerOptions),
    );
    if (!run.value.ok) throw failed(phase, `${run.value.error}\n${run.value.stderr}`);
    // The stack itself is a resource too: size + 1.
    if (run.value.changes?.[operation] !== size + 1)
      throw failed(phase, `expected ${size + 1} ${operation}, got ${JSON.stringify(run.value.changes)}`);
    samples.push(run.sample);
  };
  // The plain CLI's phases: the exit code, then the count its summary reports.
  const cliPhase = async (phase: "refresh" | "destroy", what: string, word: string) => {
    log(`size ${size}, round ${at.round}: ${side} ${phase} (${size} ${what})`);
    const run = await timedPhase(server, sample(phase), () => stack.cli([phase, "--yes", ...parallelArgs]));
    if (run.value.code !== 0) throw failed(phase, `exit ${run.value.code}\n${run.value.stderr}`);
    const counted = summaryCount(run.value.stdout, word);
    if (counted !== size + 1)
      throw failed(phase, `expected ${size + 1} ${word}, got:\n${run.value.stdout.slice(-800)}`);
    samples.push(run.sample);
  };

  await runnerPhase("up", "creates", "create");
  await expectHeld("up", size);
  const state = at.measure ? await measureState(stack, side, size) : undefined;
  await runnerPhase("preview", "unchanged", "same");
  await cliPhase("refresh", "reads", "unchanged");
  await cliPhase("destroy", "deletes", "deleted");
  await expectHeld("destroy", 0);
  log(`  ${samples.map((s) => `${s.phase} ${s.seconds.toFixed(2)} s`).join(", ")}`);
  return { samples, ...(state ? { state } : {}) };
}
