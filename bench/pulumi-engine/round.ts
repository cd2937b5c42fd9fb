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

  log(`round ${roundNumber}: ${side} refresh (${count} reads)`);
  const refresh = await timedPhase(server, at("refresh"), () =>
    stack.cli(["refresh", "--yes", ...parallelArgs]),
  );
  if (refresh.value.code !== 0)
    throw failed("refresh", `exit ${refresh.value.code}\n${refresh.value.stderr}`);
  const unchanged = summaryCount(refresh.value.stdout, "unchanged");
  if (unchanged !== count + 1)
    throw failed("refresh", `expected ${count + 1} unchanged, got:\n${refresh.value.stdout.slice(-800)}`);
  samples.push(refresh.sample);

  log(`round ${roundNumber}: ${side} destroy (${count} deletes)`);
  const destroy = await timedPhase(server, at("destroy"), () =>
    stack.cli(["destroy", "--yes", ...parallelArgs]),
  );
  if (destroy.value.code !== 0)
    throw failed("destroy", `exit ${destroy.value.code}\n${destroy.value.stderr}`);
  const deleted = summaryCount(destroy.value.stdout, "deleted");
  if (deleted !== count + 1)
    throw failed("destroy", `expected ${count + 1} deleted, got:\n${destroy.value.stdout.slice(-800)}`);
  samples.push(destroy.sample);
  if (side === "integrations") {
    const held = await integrationCount(server, token);
    if (held !== 0) throw failed("destroy", `the server still holds ${held} integrations`);
  }
  for (const s of samples) log(`  ${s.phase}: ${s.seconds.toFixed(2)} s`);
  return samples;
}
