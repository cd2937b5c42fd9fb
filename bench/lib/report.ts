// What every benchmark's report starts with (its name, the time, the machine) and how it is put
// out: the Markdown on stdout, the same data as JSON in bench/results/<name>.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { log, machineInfo } from "./common";

export type Machine = ReturnType<typeof machineInfo>;

/** The report's first fields, in this order: the benchmark, when it ran, the machine and the versions. */
export function reportHeader<B extends string, V extends Record<string, string>>(benchmark: B, versions: V) {
  return { benchmark, generatedAt: new Date().toISOString(), machine: { ...machineInfo(), ...versions } };
}

/**
 * The Markdown report's first lines: its title, the machine with the versions that matter to this
 * benchmark, its settings and a blank line.
 */
export function reportHead(title: string, m: Machine, versions: string, settings: string): string[] {
  return [
    `## ${title}`,
    "",
    `Machine: ${m.nproc} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.kernel}; Node ${m.node}; ${versions}`,
    `Settings: ${settings}`,
    "",
  ];
}

/** Prints the report's Markdown to stdout and writes the report as JSON to file. */
export function writeReport<R>(file: string, report: R, markdown: (report: R) => string): void {
  process.stdout.write(`${markdown(report)}\n`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  log(`wrote ${file}`);
}
