// One round of one stack: up, refresh and destroy, each checked against the server's view.
import type { PulumiStack } from "../../scripts/pulumi/stack";
import { log } from "../lib/common";
import type { ServerProcess } from "../lib/server-process";
import { type PhaseSample, timedPhase } from "./figures";
import { type Phase, SETTINGS, SIDES, type Side } from "./settings";

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

export async function runSide(
  side: Side,
  stack: PulumiStack,
  roundNumber: number,
  server: ServerProcess,
  token: string,
): Promise<PhaseSample[]> {
  const count = SETTINGS.count;
  const parallelArgs = SETTINGS.parallel ? ["--parallel", String(SETTINGS.parallel)] : [];
  const samples: PhaseSample[] = [];
  const at = (phase: Phase) => ({ round: roundNumber, side, phase });
  const failed = (phase: Phase, detail: string) =>
    new Error(`round ${roundNumber}, ${SIDES[side].label}: ${phase} failed: ${detail}`);

  log(`round ${roundNumber}: ${side} up (${count} creates)`);
  const up = await timedPhase(server, at("up"), () =>
    stack.up(SETTINGS.parallel ? { parallel: SETTINGS.parallel } : {}),
  );
  if (!up.value.ok) throw failed("up", `${up.value.error}\n${up.value.stderr}`);
  // The stack itself is a resource too: count + 1 creates.
  if (up.value.changes?.create !== count + 1)
    throw failed("up", `expected ${count + 1} creates, got ${JSON.stringify(up.value.changes)}`);
  samples.push(up.sample);
  if (side === "integrations") {
    const held = await integrationCount(server, token);
    if (held !== count) throw failed("up", `the server holds ${held} integrations, expected ${count}`);
  }

  // The plain CLI's refresh and destroy: the exit code, then the count its summary reports.
  const cliPhase = async (phase: "refresh" | "destroy", what: string, word: string) => {
    log(`round ${roundNumber}: ${side} ${phase} (${count} ${what})`);
    const run = await timedPhase(server, at(phase), () => stack.cli([phase, "--yes", ...parallelArgs]));
    if (run.value.code !== 0) throw failed(phase, `exit ${run.value.code}\n${run.value.stderr}`);
    const counted = summaryCount(run.value.stdout, word);
    if (counted !== count + 1)
      throw failed(phase, `expected ${count + 1} ${word}, got:\n${run.value.stdout.slice(-800)}`);
    samples.push(run.sample);
  };
  await cliPhase("refresh", "reads", "unchanged");
  await cliPhase("destroy", "deletes", "deleted");
  if (side === "integrations") {
    const held = await integrationCount(server, token);
    if (held !== 0) throw failed("destroy", `the server still holds ${held} integrations`);
  }
  for (const s of samples) log(`  ${s.phase}: ${s.seconds.toFixed(2)} s`);
  return samples;
}
