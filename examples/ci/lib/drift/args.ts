// The drift job's command line: [--stack NAME] [--cwd DIR] [--report-dir DIR].
import { resolve } from "node:path";

export const USAGE = "usage: node drift-check.ts [--stack NAME] [--cwd DIR] [--report-dir DIR]";

export interface Options {
  stack?: string;
  cwd: string;
  reportDir: string;
}

/** A command line the job cannot run with: exit code 2, with the usage. */
export class UsageError extends Error {}

export function parseArgs(args: string[]): Options {
  const values: Record<string, string> = {};
  for (let index = 0; index < args.length; index++) {
    const flag = args[index] ?? "";
    const [name, inline] = flag.split(/=(.*)/s, 2);
    if (!["--stack", "--cwd", "--report-dir"].includes(name ?? "")) {
      throw new UsageError(`unknown argument ${flag}`);
    }
    const value = inline ?? args[++index];
    if (!value) throw new UsageError(`${name} needs a value`);
    values[name ?? ""] = value;
  }
  const cwd = resolve(values["--cwd"] ?? ".");
  return {
    ...(values["--stack"] ? { stack: values["--stack"] } : {}),
    cwd,
    reportDir: resolve(values["--report-dir"] ?? cwd),
  };
}
