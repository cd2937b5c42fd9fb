// Small helpers the benchmarks share: settings from the environment, logging, free ports, child
// commands, package versions and Markdown tables.
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import { join, resolve } from "node:path";

export { exec as run, messageOf } from "../../scripts/lib/exec";
export { freePort } from "../../scripts/lib/net";

/** Every server a benchmark starts listens here, and every load it sends goes here. */
export const HOST = "127.0.0.1";
/** The repository root (this file runs from dist/bench/lib). */
export const REPO = resolve(__dirname, "..", "..", "..");
export const RESULTS_DIR = join(REPO, "bench", "results");
/**
 * The server's CLI the benches start: this checkout's build, or BENCH_SERVER_CLI (compare-commits
 * points it at another commit's build, so that one bench measures both servers).
 */
export const SERVER_CLI = process.env.BENCH_SERVER_CLI ?? join(REPO, "dist", "server", "src", "cli.js");

/** Throws for a file of the build (dist/) that is not there. */
export function checkBuilt(...files: string[]): void {
  for (const file of files) {
    if (!existsSync(file))
      throw new Error(`${file} is missing: build first (npx tsc -p tsconfig.build.json)`);
  }
}

export function numberFromEnv(name: string, fallback: number, integer: boolean): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`${name} must be a positive ${integer ? "integer" : "number"}, got "${raw}"`);
  }
  return value;
}

/** A comma-separated list from the environment, or the fallback. */
export function listFromEnv(name: string, fallback: string): string[] {
  return (process.env[name] ?? fallback)
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

export function round(value: number, digits = 2): number {
  return Number(value.toFixed(digits));
}

export function packageVersion(name: string): string {
  try {
    return (
      JSON.parse(readFileSync(join(REPO, "node_modules", name, "package.json"), "utf8")) as {
        version: string;
      }
    ).version;
  } catch {
    return "unknown";
  }
}

/** The machine, for the report's header. */
export function machineInfo() {
  return {
    nproc: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

export function mib(bytes: number | undefined): string {
  return bytes === undefined ? "n/a" : `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

/** A Markdown table, its columns padded; the columns in rightAligned are right-aligned. */
export function table(headers: string[], rows: string[][], rightAligned: Set<number>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (rightAligned.has(i) ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  return [line(headers), rule, ...rows.map(line)].join("\n");
}
